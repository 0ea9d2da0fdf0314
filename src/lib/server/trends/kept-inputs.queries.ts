// What the kept figures are computed from, read for a chunk of points at a time (a fixed number of
// queries whatever the chunk's size): the rounds each point was asked in, its accepted answers,
// the checklist versions they answer, and its registers.
import type { Answers, ChecklistDefinition } from '../../domain/checklist';
import { periodKeyOf, type RegisterData } from '../../domain/indicators';
import type { Db } from '../db';
import { answerFromColumn, definitionFromColumn } from '../db/json-columns';
import type { IndicatorPeriodsTable } from '../db/schema';
import { emptyRegisterData, loadRegisterData } from '../registers/registers.queries';

export interface KeptPeriod {
	key: string;
	kind: IndicatorPeriodsTable['kind'];
	start: string;
	end: string;
}

/** A round a point was asked in, as the period it counts for. */
export interface TargetPeriod extends KeptPeriod {
	roundId: number;
	versionId: number;
}

export interface ChunkInputs {
	points: { id: number; region_code: string }[];
	/** By point: the rounds (not drafts) it was asked in. */
	targets: Map<number, TargetPeriod[]>;
	/** Every period those rounds count for, once each. */
	periods: KeptPeriod[];
	versionIds: Set<number>;
	/** By `pointId:roundId`: the accepted submission and its answers. */
	submissions: Map<string, { id: number; answers: Answers }>;
	/** By point: its registers (empty for a point with none). */
	registers: Map<number, RegisterData>;
}

export async function countPoints(db: Db): Promise<number> {
	const row = await db
		.selectFrom('points')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/** The next `limit` point ids above `after`, in order: a rebuild's next chunk. */
export async function pointIdsAfter(db: Db, after: number, limit: number): Promise<number[]> {
	const rows = await db
		.selectFrom('points')
		.select('id')
		.where('id', '>', after)
		.orderBy('id')
		.limit(limit)
		.execute();
	return rows.map((r) => r.id);
}

export async function loadChunkInputs(db: Db, chunk: number[]): Promise<ChunkInputs> {
	const [points, targetRows, answerRows, registers] = await Promise.all([
		db.selectFrom('points').select(['id', 'region_code']).where('id', 'in', chunk).execute(),
		db
			.selectFrom('round_targets as t')
			.innerJoin('rounds as r', 'r.id', 't.round_id')
			.select([
				't.point_id',
				'r.id',
				'r.template_version_id',
				'r.period_kind',
				'r.period_start',
				'r.period_end'
			])
			.where('t.point_id', 'in', chunk)
			.where('r.status', '!=', 'draft')
			.execute(),
		db
			.selectFrom('answers as a')
			.innerJoin('submissions as s', 's.id', 'a.submission_id')
			.select(['s.id', 's.point_id', 's.round_id', 'a.item_key', 'a.value'])
			.where('s.point_id', 'in', chunk)
			.where('s.status', '=', 'accepted')
			.execute(),
		loadRegisterData(db, chunk)
	]);

	const targets = new Map<number, TargetPeriod[]>();
	const periods = new Map<string, KeptPeriod>();
	const versionIds = new Set<number>();
	for (const t of targetRows) {
		const ref = { kind: t.period_kind, start: t.period_start, end: t.period_end };
		const period = { key: periodKeyOf(ref), ...ref };
		periods.set(period.key, period);
		versionIds.add(t.template_version_id);
		const list = targets.get(t.point_id) ?? [];
		list.push({ roundId: t.id, versionId: t.template_version_id, ...period });
		targets.set(t.point_id, list);
	}

	const submissions = new Map<string, { id: number; answers: Answers }>();
	for (const a of answerRows) {
		const key = `${a.point_id}:${a.round_id}`;
		let s = submissions.get(key);
		if (!s) submissions.set(key, (s = { id: a.id, answers: {} }));
		s.answers[a.item_key] = answerFromColumn(a.value);
	}

	for (const p of points) if (!registers.has(p.id)) registers.set(p.id, emptyRegisterData());

	return { points, targets, periods: [...periods.values()], versionIds, submissions, registers };
}

/** Adds to `cache` the definitions of the versions it does not hold yet. */
export async function loadDefinitions(
	db: Db,
	ids: Set<number>,
	cache: Map<number, ChecklistDefinition | null>
): Promise<void> {
	const missing = [...ids].filter((id) => !cache.has(id));
	if (missing.length === 0) return;
	const rows = await db
		.selectFrom('template_versions')
		.select(['id', 'definition'])
		.where('id', 'in', missing)
		.execute();
	for (const r of rows) cache.set(r.id, definitionFromColumn(r.definition));
}
