// Rounds and their target points in the database. SQL only; the rules are in rounds.service.ts.
import type { Insertable } from 'kysely';
import type { Db } from '../db';
import type { Database, RoundRow, RoundStatus } from '../db/schema';

export type NewRound = Insertable<Database['rounds']>;

export function findRound(db: Db, id: number): Promise<RoundRow | undefined> {
	return db.selectFrom('rounds').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertRound(db: Db, row: NewRound): Promise<number> {
	const { id } = await db.insertInto('rounds').values(row).returning('id').executeTakeFirstOrThrow();
	return id;
}

export async function setRoundStatus(db: Db, id: number, status: RoundStatus): Promise<void> {
	await db.updateTable('rounds').set({ status }).where('id', '=', id).execute();
}

/** The active points in a region's subtree (every region when null). */
export async function listActivePointIds(db: Db, regionCode: string | null): Promise<number[]> {
	const rows = await db
		.selectFrom('points')
		.select('id')
		.where('active', '=', 1)
		.$if(!!regionCode, (q) => q.where('region_code', 'like', `${regionCode}%`))
		.execute();
	return rows.map((r) => r.id);
}

export async function insertTargets(db: Db, roundId: number, pointIds: number[]): Promise<void> {
	for (let i = 0; i < pointIds.length; i += 500) {
		await db
			.insertInto('round_targets')
			.values(pointIds.slice(i, i + 500).map((id) => ({ round_id: roundId, point_id: id })))
			.execute();
	}
}

/** Rounds that touch a region's subtree: aimed at all points, at an ancestor, or inside it. */
export function listRoundsFor(db: Db, regionCode: string | null): Promise<RoundRow[]> {
	return db
		.selectFrom('rounds')
		.selectAll()
		.$if(!!regionCode, (q) =>
			q.where((eb) =>
				eb.or([
					eb('target_region_code', 'is', null),
					eb(
						eb.val(regionCode!),
						'like',
						eb.fn<string>('concat', [eb.ref('target_region_code'), eb.val('%')])
					),
					eb('target_region_code', 'like', `${regionCode}%`)
				])
			)
		)
		.orderBy('period_start', 'desc')
		.orderBy('id', 'desc')
		.execute();
}

/** Open rounds that ask this point, with the point's submission if it has one. */
export function listOpenRoundsForPoint(db: Db, pointId: number) {
	return db
		.selectFrom('round_targets')
		.innerJoin('rounds', 'rounds.id', 'round_targets.round_id')
		.leftJoin('submissions', (j) =>
			j.onRef('submissions.round_id', '=', 'rounds.id').on('submissions.point_id', '=', pointId)
		)
		.select([
			'rounds.id',
			'rounds.name',
			'rounds.period_start as periodStart',
			'rounds.period_end as periodEnd',
			'rounds.due_on as dueOn',
			'submissions.id as submissionId',
			'submissions.status as submissionStatus',
			'submissions.late'
		])
		.where('round_targets.point_id', '=', pointId)
		.where('rounds.status', '=', 'open')
		.orderBy('rounds.due_on')
		.execute();
}
