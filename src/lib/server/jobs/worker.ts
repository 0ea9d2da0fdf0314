// The one job runner. Background work (quarterly reports, kept-figure rebuilds) runs inside the
// server process, one drain of its queue at a time. A kick while a drain runs is remembered and
// drains again once it ends, so a job queued just as the queue looked empty is never left waiting
// for the next start-up.
//
// A job type is a queue (its own table, read through its repository) and a drain registered here
// with worker(); it lives in this folder as `<thing>.job.ts` (report.job.ts), and its service
// kicks it after queueing. The trend rebuilds' drain still sits in trends/indicators.service.ts.
import type { Db } from '../db/index';

export interface Worker<T> {
	/** Starts draining if idle; resolves when the queue is empty (tests and CLI tools await it). */
	kick(db: Db): Promise<T>;
	/** The same, not awaited: a failure is logged, never thrown into a request. */
	start(db: Db): void;
	log(e: unknown): void;
}

export function worker<T>(name: string, drain: (db: Db) => Promise<T>): Worker<T> {
	let running: Promise<T> | null = null;
	let again = false;
	const log = (e: unknown) => console.error(name, e);
	const kick = (db: Db): Promise<T> => {
		if (running) {
			again = true;
			return running;
		}
		running = (async () => {
			let result: T;
			do {
				again = false;
				result = await drain(db);
			} while (again);
			return result;
		})().finally(() => {
			running = null;
		});
		return running;
	};
	return { kick, start: (db) => void kick(db).catch(log), log };
}
