// The benchmark's own statements: the reads that pick what to time, and the batched writes that
// seed five years of data straight into the tables (bench-data.ts decides what the rows hold).
import { sql, type Insertable } from 'kysely';
import type { Db } from '../lib/server/db';
import type { Database } from '../lib/server/db/schema';

/** Rows per insert: a few hundred keeps each statement well under SQLite's bound-parameter limit. */
const BATCH = 400;

export async function insertBatched<T extends keyof Database & string>(
	db: Db,
	table: T,
	rows: Insertable<Database[T]>[]
): Promise<void> {
	for (let i = 0; i < rows.length; i += BATCH) {
		// Kysely cannot relate a generic table name to its row type; the signature above does.
		await db
			.insertInto(table)
			.values(rows.slice(i, i + BATCH) as never)
			.execute();
	}
}

export async function allPointIds(db: Db): Promise<number[]> {
	return (await db.selectFrom('points').select('id').orderBy('id').execute()).map((p) => p.id);
}

export async function insertRound(db: Db, row: Insertable<Database['rounds']>): Promise<number> {
	const { id } = await db.insertInto('rounds').values(row).returning('id').executeTakeFirstOrThrow();
	return id;
}

/** The region at a code length with the most points, and how many it has. */
export async function largestRegion(db: Db, length: number): Promise<{ code: string; points: number }> {
	const code = sql<string>`substr(region_code, 1, ${length})`;
	const row = await db
		.selectFrom('points')
		.select([code.as('code'), (eb) => eb.fn.countAll<number>().as('points')])
		.groupBy(code)
		.orderBy('points', 'desc')
		.orderBy('code')
		.executeTakeFirstOrThrow();
	return { code: row.code, points: Number(row.points) };
}

/** The first point (by code) inside a region. */
export async function firstPointIn(db: Db, regionCode: string): Promise<{ id: number }> {
	return db
		.selectFrom('points')
		.select('id')
		.where('region_code', 'like', `${regionCode}%`)
		.orderBy('region_code')
		.executeTakeFirstOrThrow();
}

/** The last day of the latest closed round. */
export async function lastClosedPeriodEnd(db: Db): Promise<string> {
	const row = await db
		.selectFrom('rounds')
		.select((eb) => eb.fn.max('period_end').as('end'))
		.where('status', '=', 'closed')
		.executeTakeFirstOrThrow();
	return String(row.end);
}

/** Submissions waiting for review, the latest round's first. */
export function submittedSubmissions(db: Db, limit: number): Promise<{ id: number }[]> {
	return db
		.selectFrom('submissions')
		.select('id')
		.where('status', '=', 'submitted')
		.orderBy('round_id', 'desc')
		.orderBy('id')
		.limit(limit)
		.execute();
}
