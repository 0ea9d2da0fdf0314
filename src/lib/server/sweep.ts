// Housekeeping that nobody asks for: expired sessions (Lucia never deletes them itself), sign-in
// throttle rows that have started afresh, and rebuild jobs finished long ago. Runs at start-up and
// then hourly; each pass is a few indexed deletes.
import type { Db } from './db';

const HOUR_MS = 60 * 60_000;
/** Finished rebuild jobs kept this long, for the admin's history. */
const FINISHED_JOBS_DAYS = 30;
/** Matches the throttle's RESET_AFTER: an older failure no longer counts. */
const THROTTLE_STALE_MS = HOUR_MS;

export interface Swept {
	sessions: number;
	throttle: number;
	rebuilds: number;
}

export async function sweep(db: Db, at = new Date()): Promise<Swept> {
	const iso = (ms: number) => new Date(at.getTime() - ms).toISOString();
	const sessions = await db
		.deleteFrom('sessions')
		.where('expires_at', '<', at.toISOString())
		.executeTakeFirst();
	const throttle = await db
		.deleteFrom('sign_in_throttle')
		.where('last_failure_at', '<', iso(THROTTLE_STALE_MS))
		.where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', at.toISOString())]))
		.executeTakeFirst();
	const rebuilds = await db
		.deleteFrom('rebuilds')
		.where('status', 'in', ['done', 'superseded', 'failed'])
		.where('finished_at', '<', iso(FINISHED_JOBS_DAYS * 24 * HOUR_MS))
		.executeTakeFirst();
	return {
		sessions: Number(sessions.numDeletedRows),
		throttle: Number(throttle.numDeletedRows),
		rebuilds: Number(rebuilds.numDeletedRows)
	};
}

let timer: NodeJS.Timeout | undefined;

/** Sweeps now and every hour; a failed pass is logged and the next one tries again. */
export function startSweeps(db: Db): void {
	const run = () => sweep(db).catch((e: unknown) => console.error('sweep failed', e));
	void run();
	timer ??= setInterval(run, HOUR_MS);
	timer.unref();
}
