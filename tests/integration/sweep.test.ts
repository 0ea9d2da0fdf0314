import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { sweep } from '../../src/lib/server/sweep';
import { freshDatabase } from '../helpers/db';
import { newUser } from '../helpers/factories';

let db: Db;
let close: () => Promise<void>;
beforeAll(async () => {
	({ db, close } = await freshDatabase());
});
afterAll(() => close());

const at = new Date('2026-12-01T12:00:00Z');
const ago = (ms: number) => new Date(at.getTime() - ms).toISOString();
const HOUR = 60 * 60_000;

describe('the hourly sweep', () => {
	it('deletes expired sessions, stale throttle rows and old finished rebuilds, and nothing live', async () => {
		const user = await newUser(db, 'admin');
		await db
			.insertInto('sessions')
			.values([
				{ id: 'expired', user_id: user.id, expires_at: ago(1000), created_at: ago(HOUR) },
				{ id: 'live', user_id: user.id, expires_at: ago(-HOUR), created_at: ago(HOUR) }
			])
			.execute();
		await db
			.insertInto('sign_in_throttle')
			.values([
				{ key: 'user:old', failures: 3, last_failure_at: ago(2 * HOUR), locked_until: null },
				{ key: 'user:recent', failures: 3, last_failure_at: ago(60_000), locked_until: null },
				{ key: 'user:locked', failures: 9, last_failure_at: ago(2 * HOUR), locked_until: ago(-HOUR) }
			])
			.execute();
		const job = (status: string, finished: string | null) => ({
			rule: '{}',
			status,
			reason: 'rule',
			created_at: ago(40 * 24 * HOUR),
			finished_at: finished
		});
		await db
			.insertInto('rebuilds')
			.values([
				job('done', ago(40 * 24 * HOUR)),
				job('superseded', ago(31 * 24 * HOUR)),
				job('done', ago(24 * HOUR)),
				job('queued', null)
			] as never)
			.execute();

		expect(await sweep(db, at)).toEqual({ sessions: 1, throttle: 1, rebuilds: 2 });
		expect((await db.selectFrom('sessions').select('id').execute()).map((r) => r.id)).toEqual(['live']);
		expect(
			(await db.selectFrom('sign_in_throttle').select('key').orderBy('key').execute()).map((r) => r.key)
		).toEqual(['user:locked', 'user:recent']);
		expect(
			(await db.selectFrom('rebuilds').select('status').orderBy('id').execute()).map((r) => r.status)
		).toEqual(['done', 'queued']);
		// A second pass finds nothing more.
		expect(await sweep(db, at)).toEqual({ sessions: 0, throttle: 0, rebuilds: 0 });
	});
});
