import { isHttpError, isRedirect, type ActionFailure } from '@sveltejs/kit';
import type { Session } from 'lucia';
import type { SuperValidated } from 'sveltekit-superforms';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PublicUser } from '../../src/lib/domain/roles';
import { verifyPassword } from '../../src/lib/server/auth/password';
import { lucia } from '../../src/lib/server/auth/session';
import { createUser } from '../../src/lib/server/users/users.service';
import * as passwordPage from '../../src/routes/password/+page.server';
import * as regionPage from '../../src/routes/(app)/regions/[code=region]/+page.server';
import * as adminHome from '../../src/routes/(app)/admin/+page.server';
import { callAction, callLoad, makeEvent, thrownBy, useLocale } from '../helpers/event';
import { auditRows, signedIn } from '../helpers/factories';
import { useScenario } from '../helpers/scenario';

useLocale('zh');

// Each test gets its own database with a new account in it; one that needs the password changed
// changes it first.
const scenario = useScenario({}, { fresh: 'each' });
const { tree } = scenario;
let userId: number;
let oneTimePassword: string;

beforeEach(async () => {
	// As an admin creates an account: a generated one-time password and the first-sign-in flag.
	const created = await createUser(scenario.db, null, {
		username: 'Ma.Li',
		displayName: '马丽',
		role: 'reviewer',
		scopeCode: tree.county
	});
	userId = created.id;
	oneTimePassword = created.oneTimePassword;
});

async function userRow() {
	return scenario.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
}

type Form = SuperValidated<Record<string, string>>;
function failedForm(result: unknown, status = 400): Form {
	const failure = result as ActionFailure<{ form: Form }>;
	expect(failure.status).toBe(status);
	return failure.data.form;
}

describe('an account created by an admin', () => {
	it('must change its password at first sign-in', async () => {
		const row = await userRow();
		expect(row.username).toBe('ma.li');
		expect(row.must_change_password).toBe(1);
		expect(await verifyPassword(row.password_hash, oneTimePassword)).toBe(true);
	});

	it('is sent to /password from any other page until it does', async () => {
		const { user, session } = await signedIn(userId);
		expect(user.mustChangePassword).toBe(true);
		for (const [load, params] of [
			[regionPage.load, { code: tree.county }],
			[adminHome.load, {}]
		] as const) {
			const e = await thrownBy(() => callLoad(load, makeEvent({ user, session, params })));
			expect(isRedirect(e) && e.status === 303 && e.location).toBe('/password');
		}
		const data = await callLoad(passwordPage.load, makeEvent({ user, session, url: '/password' }));
		expect(data.firstSignIn).toBe(true);
		await lucia.invalidateSession(session.id);
	});
});

describe('changing the password', () => {
	const newPassword = 'a-much-better-secret';
	/** The user's form changing the one-time password for the new one, from this session. */
	const changed = (signed: { user: PublicUser; session: Session }, ip?: string) =>
		callAction(
			passwordPage.actions.default,
			makeEvent({
				user: signed.user,
				session: signed.session,
				form: { current: oneTimePassword, next: newPassword, confirm: newPassword },
				ip
			})
		);

	it('refuses a wrong current password, says so on that field, and changes nothing', async () => {
		const before = await userRow();
		const { user, session } = await signedIn(userId);
		const result = await callAction(
			passwordPage.actions.default,
			makeEvent({
				user,
				session,
				form: { current: 'not-my-password', next: newPassword, confirm: newPassword }
			})
		);
		const form = failedForm(result);
		expect(form.errors.current).toEqual(['当前密码不正确。']);
		expect(await userRow()).toEqual(before);
		expect(await auditRows(scenario.db, { action: 'user.change_password' })).toEqual([]);
	});

	it('refuses a new password that is too short, or not typed the same twice', async () => {
		const before = await userRow();
		const { user, session } = await signedIn(userId);
		const short = failedForm(
			await callAction(
				passwordPage.actions.default,
				makeEvent({ user, session, form: { current: oneTimePassword, next: 'short', confirm: 'short' } })
			)
		);
		expect(short.errors.next).toEqual(['新密码至少需要 10 个字符。']);
		const mismatch = failedForm(
			await callAction(
				passwordPage.actions.default,
				makeEvent({
					user,
					session,
					form: { current: oneTimePassword, next: newPassword, confirm: newPassword + 'x' }
				})
			)
		);
		expect(mismatch.errors.confirm).toEqual(['两次输入的新密码不一致。']);
		// None of the passwords travel back to the browser.
		expect(mismatch.data).toEqual({ current: '', next: '', confirm: '' });
		expect(await userRow()).toEqual(before);
	});

	it('refuses a new password equal to the current one', async () => {
		const { user, session } = await signedIn(userId);
		const form = failedForm(
			await callAction(
				passwordPage.actions.default,
				makeEvent({
					user,
					session,
					form: { current: oneTimePassword, next: oneTimePassword, confirm: oneTimePassword }
				})
			)
		);
		expect(form.errors.next).toEqual(['新密码不能与当前密码相同。']);
		expect((await userRow()).must_change_password).toBe(1);
	});

	it('saves it, clears the flag, retires the old password and ends the other sessions only', async () => {
		await scenario.db.deleteFrom('sessions').execute();
		const other = await signedIn(userId);
		const current = await signedIn(userId);

		const e = await thrownBy(() => changed(current, '198.51.100.4'));
		expect(isRedirect(e) && e.status === 303 && e.location).toBe(`/regions/${tree.county}`);

		const row = await userRow();
		expect(row.must_change_password).toBe(0);
		expect(await verifyPassword(row.password_hash, oneTimePassword)).toBe(false);
		expect(await verifyPassword(row.password_hash, newPassword)).toBe(true);

		expect((await lucia.validateSession(other.token)).session).toBeNull();
		const still = await lucia.validateSession(current.token);
		expect(still.session?.id).toBe(current.token);
		expect(still.user?.must_change_password).toBe(0);
		expect(await scenario.db.selectFrom('sessions').select('id').execute()).toHaveLength(1);

		const audit = await auditRows(scenario.db, { action: 'user.change_password' });
		expect(audit).toHaveLength(1);
		expect(audit[0]).toMatchObject({
			user_id: userId,
			entity_type: 'user',
			entity_id: String(userId),
			ip: '198.51.100.4'
		});
	});

	it('then lets the user reach their pages', async () => {
		expect(isRedirect(await thrownBy(async () => changed(await signedIn(userId))))).toBe(true);
		const { user, session } = await signedIn(userId);
		expect(user.mustChangePassword).toBe(false);
		const data = await callLoad(regionPage.load, makeEvent({ user, session, params: { code: tree.county } }));
		expect(data.region.code).toBe(tree.county);
	});

	it('throttles current-password guesses as sign-in does: locked after 5, even for the right one', async () => {
		const guessed = await createUser(scenario.db, null, {
			username: 'guess.me',
			displayName: '试探',
			role: 'reviewer',
			scopeCode: tree.county
		});
		const { user, session } = await signedIn(guessed.id);
		const attempt = (current: string) =>
			callAction(
				passwordPage.actions.default,
				makeEvent({
					user,
					session,
					ip: '198.51.100.9',
					form: { current, next: newPassword, confirm: newPassword }
				})
			);
		for (let i = 0; i < 4; i++)
			expect(failedForm(await attempt(`wrong-${i}`)).errors.current).toEqual(['当前密码不正确。']);
		const fifth = failedForm(await attempt('wrong-4'), 429);
		expect(fifth.errors.current?.[0]).toMatch(/次数过多.*秒后再试/);
		// Locked: the right password is not even checked, and nothing changes.
		failedForm(await attempt(guessed.oneTimePassword), 429);
		const row = await scenario.db
			.selectFrom('users')
			.selectAll()
			.where('id', '=', guessed.id)
			.executeTakeFirstOrThrow();
		expect(await verifyPassword(row.password_hash, guessed.oneTimePassword)).toBe(true);
		expect(
			await auditRows(scenario.db, { action: 'user.change_password_failure', entityId: guessed.id })
		).toHaveLength(5);
	});

	it('is not open to a signed-out visitor', async () => {
		const e = await thrownBy(() =>
			callAction(
				passwordPage.actions.default,
				makeEvent({ form: { current: 'x', next: newPassword, confirm: newPassword }, url: '/password' })
			)
		);
		expect(isRedirect(e) && e.location).toBe('/login?redirectTo=%2Fpassword');
		expect(isHttpError(e)).toBe(false);
	});
});
