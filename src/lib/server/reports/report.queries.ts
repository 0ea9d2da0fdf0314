// The report's read model: the rounds, templates, submissions and region names of a quarter, as
// report-data.ts puts them together, and the regions a reader may ask a report for. SQL only.
import type { AnswerValue, Answers, ChecklistDefinition } from '../../domain/checklist';
import type { Db } from '../db';
import { answerFromColumn, definitionFromColumn } from '../db/json-columns';

export interface QuarterRound {
	id: number;
	name: string;
	due_on: string;
	template_version_id: number;
	period_start: string;
	period_end: string;
}

/** The rounds (not drafts) whose period lies within the quarter, in period order. */
export function roundsWithin(db: Db, range: { start: string; end: string }): Promise<QuarterRound[]> {
	return db
		.selectFrom('rounds')
		.select(['id', 'name', 'due_on', 'template_version_id', 'period_start', 'period_end'])
		.where('status', '!=', 'draft')
		.where('period_start', '>=', range.start)
		.where('period_end', '<=', range.end)
		.orderBy('period_start')
		.orderBy('id')
		.execute();
}

/** The definitions of these template versions, in version order. */
export async function templateDefinitions(db: Db, versionIds: number[]): Promise<ChecklistDefinition[]> {
	if (versionIds.length === 0) return [];
	const rows = await db
		.selectFrom('template_versions')
		.select(['id', 'definition'])
		.where('id', 'in', [...new Set(versionIds)])
		.orderBy('id')
		.execute();
	return rows.map((r) => definitionFromColumn(r.definition));
}

export interface SubmittedChecklist {
	id: number;
	round_id: number;
	status: string;
	late: number;
	submitted_at: string | null;
	reviewed_at: string | null;
	pointId: number;
	pointName: string;
	regionCode: string;
	answers: Answers;
}

/** Every submitted (or accepted, or returned) checklist of these rounds in scope, with its answers. */
export async function submittedChecklists(
	db: Db,
	within: string,
	roundIds: number[]
): Promise<SubmittedChecklist[]> {
	if (roundIds.length === 0) return [];
	const subs = await db
		.selectFrom('submissions as s')
		.innerJoin('points as p', 'p.id', 's.point_id')
		.innerJoin('regions as r', 'r.code', 'p.region_code')
		.select([
			's.id',
			's.round_id',
			's.status',
			's.late',
			's.submitted_at',
			's.reviewed_at',
			'p.id as pointId',
			'r.name as pointName',
			'p.region_code as regionCode'
		])
		.where('s.round_id', 'in', roundIds)
		.where('s.submitted_at', 'is not', null)
		.where('p.region_code', 'like', `${within}%`)
		.orderBy('p.region_code')
		.orderBy('s.round_id')
		.execute();
	const answers = new Map<number, Answers>();
	const rows = await db
		.selectFrom('answers as a')
		.innerJoin('submissions as s', 's.id', 'a.submission_id')
		.innerJoin('points as p', 'p.id', 's.point_id')
		.select(['a.submission_id', 'a.item_key', 'a.value'])
		.where('s.round_id', 'in', roundIds)
		.where('s.submitted_at', 'is not', null)
		.where('p.region_code', 'like', `${within}%`)
		.execute();
	for (const a of rows) {
		let list = answers.get(a.submission_id);
		if (!list) answers.set(a.submission_id, (list = {}));
		list[a.item_key] = answerFromColumn(a.value) as AnswerValue;
	}
	return subs.map((s) => ({ ...s, answers: answers.get(s.id) ?? {} }));
}

/** Names of every region in scope above the points (province to township), for columns. */
export async function regionNamesAround(db: Db, within: string): Promise<Record<string, string>> {
	const rows = await db
		.selectFrom('regions')
		.select(['code', 'name'])
		.where('code', 'like', `${within.slice(0, 2)}%`)
		.where('level', '<', 5)
		.execute();
	return Object.fromEntries(
		rows.filter((r) => r.code.startsWith(within) || within.startsWith(r.code)).map((r) => [r.code, r.name])
	);
}

export interface RegionChoice {
	code: string;
	name: string;
	level: number;
}

/** The reader's region and everything below it down to county level; all of them for admins. */
export function regionChoices(db: Db, scope: string | null): Promise<RegionChoice[]> {
	return db
		.selectFrom('regions')
		.select(['code', 'name', 'level'])
		.$if(scope !== null, (q) =>
			q.where((eb) =>
				eb.and([eb('code', 'like', `${scope}%`), eb.or([eb('level', '<=', 3), eb('code', '=', scope!)])])
			)
		)
		.$if(scope === null, (q) => q.where('level', '<=', 3))
		.orderBy('code')
		.execute();
}
