import type { Db } from '../db';
import {
	deleteStaleThrottleRows,
	deleteThrottleRows,
	findThrottleRow,
	findThrottleRows,
	insertThrottleRow,
	updateThrottleRow
} from './throttle.repository';

// After FREE_FAILURES failures a key is locked for BASE_DELAY, doubling with each further
// failure up to MAX_DELAY. A key with no failure for RESET_AFTER starts afresh.
export const FREE_FAILURES = 5;
const BASE_DELAY_MS = 30_000;
const MAX_DELAY_MS = 15 * 60_000;
const RESET_AFTER_MS = 60 * 60_000;

export function lockDelayMs(failures: number): number {
	if (failures < FREE_FAILURES) return 0;
	return Math.min(BASE_DELAY_MS * 2 ** (failures - FREE_FAILURES), MAX_DELAY_MS);
}

export const throttleKeys = (username: string, ip: string) => [
	`user:${username.trim().toLowerCase()}`,
	`ip:${ip}`
];

/** Seconds until the first of these keys may try again, or 0. */
export async function secondsLocked(db: Db, keys: string[], at: Date): Promise<number> {
	const rows = await findThrottleRows(db, keys);
	let wait = 0;
	for (const r of rows) {
		if (r.locked_until) wait = Math.max(wait, Date.parse(r.locked_until) - at.getTime());
	}
	return wait > 0 ? Math.ceil(wait / 1000) : 0;
}

export async function recordFailure(db: Db, keys: string[], at: Date): Promise<void> {
	for (const key of keys) {
		const row = await findThrottleRow(db, key);
		const stale = row && at.getTime() - Date.parse(row.last_failure_at) > RESET_AFTER_MS;
		const failures = row && !stale ? row.failures + 1 : 1;
		const delay = lockDelayMs(failures);
		const values = {
			failures,
			last_failure_at: at.toISOString(),
			locked_until: delay ? new Date(at.getTime() + delay).toISOString() : null
		};
		if (row) await updateThrottleRow(db, key, values);
		else await insertThrottleRow(db, { key, ...values });
	}
}

/** Rows whose failures no longer count (RESET_AFTER passed) and that lock nothing. */
export function deleteStaleThrottle(db: Db, at: Date): Promise<number> {
	return deleteStaleThrottleRows(db, new Date(at.getTime() - RESET_AFTER_MS), at);
}

export async function clearFailures(db: Db, keys: string[]): Promise<void> {
	await deleteThrottleRows(db, keys);
}

export type SecretCheck =
	{ ok: true } | { ok: false; reason: 'invalid' } | { ok: false; reason: 'locked'; seconds: number };

/**
 * Every check of a secret (the sign-in password, the current password on /password, any later
 * token) goes through here, so they share one rule: a locked key is refused before the check, a
 * failure counts against every key (and `onFailure` runs in the same transaction), a success
 * clears them.
 */
export async function throttledCheck(
	db: Db,
	keys: string[],
	at: Date,
	check: () => Promise<boolean>,
	hooks: { onLocked?: () => Promise<void>; onFailure?: (trx: Db) => Promise<void> } = {}
): Promise<SecretCheck> {
	const wait = await secondsLocked(db, keys, at);
	if (wait > 0) {
		await hooks.onLocked?.();
		return { ok: false, reason: 'locked', seconds: wait };
	}
	if (!(await check())) {
		await db.transaction().execute(async (trx) => {
			await recordFailure(trx, keys, at);
			await hooks.onFailure?.(trx);
		});
		const after = await secondsLocked(db, keys, at);
		return after > 0 ? { ok: false, reason: 'locked', seconds: after } : { ok: false, reason: 'invalid' };
	}
	return { ok: true };
}
