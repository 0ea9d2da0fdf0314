// The sign_in_throttle table: one row per key (an account or an address) with its failures.
import type { Db } from '../db';

export interface ThrottleRow {
	key: string;
	failures: number;
	last_failure_at: string;
	locked_until: string | null;
}

export function findThrottleRows(db: Db, keys: string[]): Promise<ThrottleRow[]> {
	return db.selectFrom('sign_in_throttle').selectAll().where('key', 'in', keys).execute();
}

export function findThrottleRow(db: Db, key: string): Promise<ThrottleRow | undefined> {
	return db.selectFrom('sign_in_throttle').selectAll().where('key', '=', key).executeTakeFirst();
}

export async function insertThrottleRow(db: Db, row: ThrottleRow): Promise<void> {
	await db.insertInto('sign_in_throttle').values(row).execute();
}

export async function updateThrottleRow(
	db: Db,
	key: string,
	values: Omit<ThrottleRow, 'key'>
): Promise<void> {
	await db.updateTable('sign_in_throttle').set(values).where('key', '=', key).execute();
}

export async function deleteThrottleRows(db: Db, keys: string[]): Promise<void> {
	await db.deleteFrom('sign_in_throttle').where('key', 'in', keys).execute();
}

/** Rows whose last failure is before `staleBefore` and that lock nothing at `at`. */
export async function deleteStaleThrottleRows(db: Db, staleBefore: Date, at: Date): Promise<number> {
	const result = await db
		.deleteFrom('sign_in_throttle')
		.where('last_failure_at', '<', staleBefore.toISOString())
		.where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', at.toISOString())]))
		.executeTakeFirst();
	return Number(result.numDeletedRows);
}
