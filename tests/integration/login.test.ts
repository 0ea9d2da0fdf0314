import { isRedirect, type ActionFailure } from '@sveltejs/kit';
import type { SuperValidated } from 'sveltekit-superforms';
import { beforeEach, describe, expect, it } from 'vitest';
import { lucia } from '../../src/lib/server/auth/session';
import * as loginPage from '../../src/routes/login/+page.server';
import * as logoutPage from '../../src/routes/logout/+page.server';
import { callAction, callLoad, makeEvent, thrownBy, useLocale } from '../helpers/event';
import { auditRows, signedIn } from '../helpers/factories';
import { useScenario } from '../helpers/scenario';

useLocale('zh');

const s = useScenario(
	{ users: { reviewer: { role: 'reviewer', at: 'county', username: 'wang.fang' } } },
	{ fresh: 'all' }
);
const { users: u } = s;
beforeEach(async () => {
	await s.db.deleteFrom('sign_in_throttle').execute();
});

type Form = SuperValidated<{ username: string; password: string }>;

function signInEvent(username: string, password: string, url = '/login') {
	return makeEvent({ form: { username, password }, url, ip: '198.51.100.20' });
}

describe('the sign-in form', () => {
	it('signs in with the right password: a session cookie and a 303 to the page asked for', async () => {
		const event = signInEvent('wang.fang', u.reviewer.password, '/login?redirectTo=%2Fregions%2F640104001');
		const e = await thrownBy(() => callAction(loginPage.actions.default, event));
		expect(isRedirect(e) && e.status).toBe(303);
		expect(isRedirect(e) && e.location).toBe('/regions/640104001');

		expect(event.cookies.sets).toHaveLength(1);
		const [cookie] = event.cookies.sets;
		expect(cookie.name).toBe(lucia.sessionCookieName);
		expect(cookie.name).toBe('jfgc_session');
		expect(cookie.opts).toMatchObject({ path: '/', httpOnly: true, sameSite: 'lax' });
		const { user } = await lucia.validateSession(cookie.value);
		expect(user?.id).toBe(u.reviewer.id);
		// Only the token's hash is stored.
		const stored = await s.db
			.selectFrom('sessions')
			.select('id')
			.where('user_id', '=', u.reviewer.id)
			.execute();
		expect(stored.map((s) => s.id)).not.toContain(cookie.value);
		expect(stored.map((s) => s.id)).toContainEqual(expect.stringMatching(/^[0-9a-f]{64}$/));
	});

	it('goes to / after sign-in when the page asked for is on another site', async () => {
		const event = signInEvent(
			'wang.fang',
			u.reviewer.password,
			'/login?redirectTo=https%3A%2F%2Fevil.example%2F'
		);
		const e = await thrownBy(() => callAction(loginPage.actions.default, event));
		expect(isRedirect(e) && e.location).toBe('/');
	});

	it('refuses a wrong password with a 400, the message, no cookie, and the password not echoed', async () => {
		const event = signInEvent('wang.fang', 'a-wrong-password');
		const result = (await callAction(loginPage.actions.default, event)) as ActionFailure<{ form: Form }>;
		expect(result.status).toBe(400);
		expect(result.data.form.message).toBe('用户名或密码不正确。');
		expect(result.data.form.data).toEqual({ username: 'wang.fang', password: '' });
		expect(JSON.stringify(result.data)).not.toContain('a-wrong-password');
		expect(event.cookies.sets).toEqual([]);
	});

	it('refuses an unknown user with the same message', async () => {
		const result = (await callAction(
			loginPage.actions.default,
			signInEvent('nobody', 'whatever-password')
		)) as ActionFailure<{
			form: Form;
		}>;
		expect(result.status).toBe(400);
		expect(result.data.form.message).toBe('用户名或密码不正确。');
	});

	it('asks for the missing fields without trying to sign in', async () => {
		const before = (await auditRows(s.db)).length;
		const result = (await callAction(
			loginPage.actions.default,
			signInEvent('', 'secret-password')
		)) as ActionFailure<{
			form: Form;
		}>;
		expect(result.status).toBe(400);
		expect(result.data.form.errors.username).toEqual(['此项必填。']);
		expect(result.data.form.data.password).toBe('');
		expect((await auditRows(s.db)).length).toBe(before);
	});

	it('answers 429 with the seconds to wait once the account is locked, even for the right password', async () => {
		type Result = ActionFailure<{ form: Form }>;
		const statuses: number[] = [];
		for (let i = 0; i < 5; i++) {
			const r = (await callAction(
				loginPage.actions.default,
				signInEvent('wang.fang', `wrong-${i}`)
			)) as Result;
			statuses.push(r.status);
		}
		expect(statuses).toEqual([400, 400, 400, 400, 429]);
		const event = signInEvent('wang.fang', u.reviewer.password);
		const locked = (await callAction(loginPage.actions.default, event)) as Result;
		expect(locked.status).toBe(429);
		expect(locked.data.form.message).toMatch(/^登录失败次数过多，请在 (30|29) 秒后再试。$/);
		expect(locked.data.form.data.password).toBe('');
		expect(event.cookies.sets).toEqual([]);
	});

	it('sends someone already signed in to their start page', async () => {
		const e = await thrownBy(() => callLoad(loginPage.load, makeEvent({ user: u.reviewer })));
		expect(isRedirect(e) && e.location).toBe(`/regions/${u.reviewer.regionCode}`);
		const data = await callLoad(loginPage.load, makeEvent());
		expect(data.form.data).toEqual({ username: '', password: '' });
	});
});

describe('signing out', () => {
	it('ends the session, blanks the cookie, audits it and goes to sign-in', async () => {
		const { user, session, token } = await signedIn(u.reviewer.id);
		const event = makeEvent({ user, session, form: {}, ip: '198.51.100.21' });
		const e = await thrownBy(() => callAction(logoutPage.actions.default, event));
		expect(isRedirect(e) && e.location).toBe('/login');
		expect((await lucia.validateSession(token)).session).toBeNull();
		expect(event.cookies.sets).toEqual([
			expect.objectContaining({
				name: 'jfgc_session',
				value: '',
				opts: expect.objectContaining({ maxAge: 0, path: '/' })
			})
		]);
		const rows = await auditRows(s.db, { action: 'sign_out' });
		expect(rows.at(-1)).toMatchObject({
			user_id: u.reviewer.id,
			entity_id: 'wang.fang',
			ip: '198.51.100.21'
		});
	});
});
