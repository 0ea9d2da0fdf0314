// Housekeeping that nobody asks for: expired sessions (Lucia never deletes them itself), sign-in
// throttle rows that have started afresh, and rebuild jobs finished long ago. Runs at start-up and
// then hourly; each pass is a few indexed deletes.
import { deleteExpiredSessions } from './auth/sessions.repository';
import { deleteStaleThrottle } from './auth/throttle';
import type { Db } from './db';
import { deleteFinishedRebuilds } from './trends/rebuilds.repository';

const HOUR_MS = 60 * 60_000;
/** Finished rebuild jobs kept this long, for the admin's history. */
const FINISHED_JOBS_DAYS = 30;

export interface Swept {
	sessions: number;
	throttle: number;
	rebuilds: number;
}

export async function sweep(db: Db, at = new Date()): Promise<Swept> {
	const sessions = await deleteExpiredSessions(db, at);
	const throttle = await deleteStaleThrottle(db, at);
	const rebuilds = await deleteFinishedRebuilds(
		db,
		new Date(at.getTime() - FINISHED_JOBS_DAYS * 24 * HOUR_MS)
	);
	return { sessions, throttle, rebuilds };
}

let timer: NodeJS.Timeout | undefined;

/** Sweeps now and every hour; a failed pass is logged and the next one tries again. */
export function startSweeps(db: Db): void {
	const run = () => sweep(db).catch((e: unknown) => console.error('sweep failed', e));
	void run();
	timer ??= setInterval(run, HOUR_MS);
	timer.unref();
}
