import { beforeEach, describe, expect, it } from 'vitest';
import { signIn } from '../../src/lib/server/auth/sign-in.service';
import { Refusal } from '../../src/lib/server/refusal';
import { auditRows } from '../helpers/factories';
import { useScenario } from '../helpers/scenario';

const s = useScenario(
	{
		tree: false,
		users: { alice: { role: 'admin', username: 'alice' }, bob: { role: 'admin', username: 'bob' } }
	},
	{ fresh: 'all' }
);
const { users: u } = s;

// Each test starts with no failures on record and its own clock.
beforeEach(async () => {
	await s.db.deleteFrom('sign_in_throttle').execute();
	await s.db.deleteFrom('audit_log').execute();
});

const T0 = new Date('2026-03-01T08:00:00Z');
const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function attempt(username: string, password: string, at: Date, ip = '198.51.100.10') {
	return signIn(s.db, { username, password, ip, at });
}

/** An attempt whose refusal is only a step towards the one under test. */
const fail = (username: string, password: string, at: Date, ip?: string) =>
	attempt(username, password, at, ip).catch((e: unknown) => {
		if (!(e instanceof Refusal)) throw e;
	});

/** A refused attempt: the form-level problem and the status. */
const invalid = { status: 400, problems: { '': { code: 'sign_in_invalid' } } };
const locked = (seconds: number) => ({
	status: 429,
	problems: { '': { code: 'sign_in_locked', params: { seconds } } }
});

async function actions() {
	return (await auditRows(s.db)).map((r) => r.action);
}

describe('signing in', () => {
	it('lets the right password in and audits the success', async () => {
		expect(await attempt('alice', u.alice.password, T0)).toBe(u.alice.id);
		const [row] = await auditRows(s.db);
		expect(row).toMatchObject({
			action: 'sign_in.success',
			user_id: u.alice.id,
			entity_type: 'sign_in',
			entity_id: 'alice',
			ip: '198.51.100.10'
		});
	});

	it('accepts the username in any case and with spaces around it', async () => {
		expect(await attempt('  ALICE ', u.alice.password, T0)).toBe(u.alice.id);
	});

	it('refuses a wrong password and an unknown user alike, auditing both', async () => {
		await expect(attempt('alice', 'wrong-password', T0)).rejects.toMatchObject(invalid);
		await expect(attempt('nobody', u.alice.password, T0)).rejects.toMatchObject(invalid);
		const rows = await auditRows(s.db);
		expect(rows.map((r) => [r.action, r.entity_id, r.user_id])).toEqual([
			['sign_in.failure', 'alice', u.alice.id],
			['sign_in.failure', 'nobody', null]
		]);
	});

	it('refuses a deactivated account even with the right password', async () => {
		await s.db.updateTable('users').set({ active: 0 }).where('id', '=', u.bob.id).execute();
		try {
			await expect(attempt('bob', u.bob.password, T0)).rejects.toMatchObject(invalid);
		} finally {
			await s.db.updateTable('users').set({ active: 1 }).where('id', '=', u.bob.id).execute();
		}
	});
});

describe('throttling an account', () => {
	it('locks the account after five wrong passwords, even against the right one, and says how long', async () => {
		for (let i = 0; i < 4; i++)
			await expect(attempt('alice', `wrong-${i}`, later(i))).rejects.toMatchObject(invalid);
		// The fifth failure is the one that locks: 30 seconds from then.
		await expect(attempt('alice', 'wrong-4', later(4))).rejects.toMatchObject(locked(30));
		await expect(attempt('alice', u.alice.password, later(5))).rejects.toMatchObject(locked(29));
		// The lock follows the account, whichever address the next try comes from.
		await expect(attempt('alice', u.alice.password, later(10), '192.0.2.99')).rejects.toMatchObject(
			locked(24)
		);
		expect(await actions()).toEqual([
			...Array(5).fill('sign_in.failure'),
			'sign_in.locked',
			'sign_in.locked'
		]);
	});

	it('locks for longer with each further failure', async () => {
		for (let i = 0; i < 5; i++) await fail('alice', `wrong-${i}`, later(i));
		// Failures past the lock double it: 60 s after the sixth, 120 s after the seventh.
		await expect(attempt('alice', 'wrong-5', later(40))).rejects.toMatchObject(locked(60));
		await expect(attempt('alice', u.alice.password, later(99))).rejects.toMatchObject(locked(1));
		await expect(attempt('alice', 'wrong-6', later(101))).rejects.toMatchObject(locked(120));
		const row = await s.db
			.selectFrom('sign_in_throttle')
			.selectAll()
			.where('key', '=', 'user:alice')
			.executeTakeFirstOrThrow();
		expect(row.failures).toBe(7);
		expect(row.locked_until).toBe(later(221).toISOString());
	});

	it('lets the right password in once the lock has passed, and forgets the failures', async () => {
		for (let i = 0; i < 5; i++) await fail('alice', `wrong-${i}`, later(i));
		expect(await attempt('alice', u.alice.password, later(35))).toBe(u.alice.id);
		expect(await s.db.selectFrom('sign_in_throttle').selectAll().execute()).toEqual([]);
		// A fresh count: one wrong password is an ordinary failure again, not a longer lock.
		await expect(attempt('alice', 'wrong-again', later(36))).rejects.toMatchObject(invalid);
		expect((await actions()).slice(-2)).toEqual(['sign_in.success', 'sign_in.failure']);
	});

	it('starts the count afresh after an hour without failures', async () => {
		for (let i = 0; i < 4; i++) await fail('alice', `wrong-${i}`, later(i));
		await expect(attempt('alice', 'wrong-4', later(3 + 3601))).rejects.toMatchObject(invalid);
	});
});

describe('throttling an address', () => {
	it('locks an address that fails across different accounts, even for a right password', async () => {
		const ip = '203.0.113.50';
		const names = ['carol', 'dave', 'erin', 'frank', 'grace'];
		for (const [i, name] of names.entries()) await fail(name, 'guess', later(i), ip);
		await expect(attempt('alice', u.alice.password, later(6), ip)).rejects.toMatchObject(locked(28));
		// alice's own record is clean: it is the address that is locked.
		const keys = (await s.db.selectFrom('sign_in_throttle').select('key').execute()).map((r) => r.key);
		expect(keys).toContain(`ip:${ip}`);
		expect(keys).not.toContain('user:alice');
		expect((await actions()).at(-1)).toBe('sign_in.locked');
	});

	it('leaves other addresses free to sign in to other accounts', async () => {
		const ip = '203.0.113.50';
		for (let i = 0; i < 5; i++) await fail(`user${i}`, 'guess', later(i), ip);
		expect(await attempt('bob', u.bob.password, later(6), '198.51.100.77')).toBe(u.bob.id);
		await expect(attempt('alice', u.alice.password, later(7), ip)).rejects.toMatchObject({
			status: 429,
			problems: { '': { code: 'sign_in_locked' } }
		});
	});
});
