// Submissions and their answers in the database: one submission per point and round, one answer
// row per item. SQL only; the rules are in submissions.service.ts.
import type { Insertable, Updateable } from 'kysely';
import type { Answers, AnswerValue } from '../../domain/checklist';
import type { Db } from '../db';
import { answerFromColumn, toJsonColumn } from '../db/json-columns';
import type { Database, RoundRow, SubmissionRow } from '../db/schema';

export type NewSubmission = Insertable<Database['submissions']>;
export type SubmissionUpdate = Updateable<Database['submissions']>;

export interface StoredAnswers {
	answers: Answers;
	/** Out-of-line reasons, by item key; items without one are absent. */
	notes: Record<string, string>;
}

export function findSubmission(db: Db, roundId: number, pointId: number): Promise<SubmissionRow | undefined> {
	return db
		.selectFrom('submissions')
		.selectAll()
		.where('round_id', '=', roundId)
		.where('point_id', '=', pointId)
		.executeTakeFirst();
}

export function findSubmissionById(db: Db, id: number): Promise<SubmissionRow | undefined> {
	return db.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertSubmission(db: Db, row: NewSubmission): Promise<number> {
	const { id } = await db.insertInto('submissions').values(row).returning('id').executeTakeFirstOrThrow();
	return id;
}

export async function updateSubmission(db: Db, id: number, values: SubmissionUpdate): Promise<void> {
	await db.updateTable('submissions').set(values).where('id', '=', id).execute();
}

export async function isTarget(db: Db, roundId: number, pointId: number): Promise<boolean> {
	const row = await db
		.selectFrom('round_targets')
		.select('point_id')
		.where('round_id', '=', roundId)
		.where('point_id', '=', pointId)
		.executeTakeFirst();
	return !!row;
}

export async function readAnswers(db: Db, submissionId: number): Promise<StoredAnswers> {
	const rows = await db.selectFrom('answers').selectAll().where('submission_id', '=', submissionId).execute();
	const answers: Answers = {};
	const notes: Record<string, string> = {};
	for (const r of rows) {
		answers[r.item_key] = answerFromColumn(r.value);
		if (r.note) notes[r.item_key] = r.note;
	}
	return { answers, notes };
}

export interface AnswerWrite {
	itemKey: string;
	value: AnswerValue;
	note: string | null;
}

/** Writes these items' answers over whatever was stored for them, in one statement. */
export async function writeAnswers(db: Db, submissionId: number, rows: AnswerWrite[]): Promise<void> {
	if (rows.length === 0) return;
	await db
		.insertInto('answers')
		.values(
			rows.map((r) => ({
				submission_id: submissionId,
				item_key: r.itemKey,
				value: toJsonColumn(r.value),
				note: r.note
			}))
		)
		.onConflict((oc) =>
			oc.columns(['submission_id', 'item_key']).doUpdateSet((eb) => ({
				value: eb.ref('excluded.value'),
				note: eb.ref('excluded.note')
			}))
		)
		.execute();
}

/** The point's latest accepted submission of a round no later than `beforeRound`, other than it. */
export function findPreviousAccepted(
	db: Db,
	pointId: number,
	beforeRound: Pick<RoundRow, 'id' | 'period_start'>
): Promise<{ id: number; roundId: number; name: string } | undefined> {
	return db
		.selectFrom('submissions')
		.innerJoin('rounds', 'rounds.id', 'submissions.round_id')
		.select(['submissions.id', 'rounds.id as roundId', 'rounds.name'])
		.where('submissions.point_id', '=', pointId)
		.where('submissions.status', '=', 'accepted')
		.where('rounds.id', '!=', beforeRound.id)
		.where('rounds.period_start', '<=', beforeRound.period_start)
		.orderBy('rounds.period_start', 'desc')
		.orderBy('rounds.id', 'desc')
		.executeTakeFirst();
}
