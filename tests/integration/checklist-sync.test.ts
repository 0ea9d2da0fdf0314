// The phone's outbox endpoint through its real handlers: a queued save or submit is applied once
// however often it arrives (a replay after a lost answer is told it landed), a save typed against
// a copy that moved on is refused with the server copy to show side by side, answers that cannot
// be saved come back with their sentences, and nobody outside the point reaches it.
import { describe, expect, it } from 'vitest';
import type { PublicUser } from '../../src/lib/domain/roles';
import { returnSubmission } from '../../src/lib/server/checklists/submissions.service';
import * as api from '../../src/routes/api/checklists/[point=id]/[round=id]/+server';
import { makeEvent, useLocale } from '../helpers/event';
import { auditRows } from '../helpers/factories';
import { MEETINGS_WORLD, useScenario } from '../helpers/scenario';

useLocale('zh');

// Q1 and Q2 accepted; Q3 open with nothing saved yet.
const s = useScenario(
	{
		...MEETINGS_WORLD,
		answers: (_point, i) => (i < 2 ? { meetings_attended: 3, data_requests: 2 } : null)
	},
	{ fresh: 'each' }
);

const round = () => s.rounds[2]!;
const own = () => String(s.points.own.id);

function call(method: 'GET' | 'POST', user: PublicUser | null, body?: unknown, point = own()) {
	const event = makeEvent({ user, method, params: { point, round: String(round()) } });
	const request = new Request(`http://localhost/api/checklists/${point}/${round()}`, {
		method,
		headers: { 'content-type': 'application/json' },
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
	});
	Object.assign(event, { request });
	const handler = method === 'GET' ? api.GET : api.POST;
	return (handler as unknown as (e: typeof event) => Promise<Response>)(event);
}

const save = (token: string, expectedVersion: number | null, values: Record<string, string>, notes = {}) =>
	call('POST', s.users.staff, { kind: 'save', token, expectedVersion, values, notes });
const openSubmissions = () =>
	s.db.selectFrom('submissions').select(['id']).where('round_id', '=', round()).execute();
const submitQueued = (token: string, expectedVersion: number | null) =>
	call('POST', s.users.staff, { kind: 'submit', token, expectedVersion });

describe('the checklist outbox endpoint', () => {
	it('applies a replayed save once and answers the replay as done', async () => {
		const first = await save('save-token-1', null, { meetings_attended: '4', data_requests: '2' });
		expect(first.status).toBe(200);
		expect(await first.json()).toMatchObject({ ok: true, version: 1, status: 'draft', replay: false });

		const replay = await save('save-token-1', null, { meetings_attended: '4', data_requests: '2' });
		expect(replay.status).toBe(200);
		expect(await replay.json()).toMatchObject({ ok: true, version: 1, replay: true });
		const [submission] = await openSubmissions();
		const writes = await auditRows(s.db, { action: 'submission.answers', entityId: submission!.id });
		expect(writes).toHaveLength(1);
	});

	it('refuses a save typed against a copy that moved on, and sends the server copy', async () => {
		await save('save-token-1', null, { meetings_attended: '4' });
		// A second phone, which read the form before the first save, sends its own answer.
		const late = await save('save-token-2', null, { meetings_attended: '9' });
		expect(late.status).toBe(409);
		const body = await late.json();
		expect(body.ok).toBe(false);
		expect(body.server).toMatchObject({ version: 1, status: 'draft', editable: true });
		expect(body.server.values.meetings_attended).toBe('4');
		expect(body.problems['']).toBeTruthy();
	});

	it('submits once however many times the submit arrives, and a return is seen as a moved copy', async () => {
		await save('save-token-1', null, { meetings_attended: '3', data_requests: '2' });
		const sent = await submitQueued('submit-token-1', 1);
		expect(await sent.json()).toMatchObject({ ok: true, status: 'submitted', version: 2, replay: false });
		const again = await submitQueued('submit-token-1', 1);
		expect(await again.json()).toMatchObject({ ok: true, status: 'submitted', replay: true });
		const submission = (await openSubmissions())[0]!.id;
		expect(await auditRows(s.db, { action: 'submission.submit', entityId: submission })).toHaveLength(1);

		await returnSubmission(s.db, s.users.reviewer.id, submission, '会议次数请核对');
		// The phone had typed more against version 1 while offline.
		const stale = await save('save-token-2', 1, { meetings_attended: '5' });
		expect(stale.status).toBe(409);
		const body = await stale.json();
		expect(body.server).toMatchObject({ status: 'returned', reviewNote: '会议次数请核对', editable: true });
	});

	it('sends each answer that cannot be saved back with its sentence, and writes nothing', async () => {
		const refused = await save('save-token-1', null, { meetings_attended: '-1', data_requests: 'many' });
		expect(refused.status).toBe(400);
		const body = await refused.json();
		expect(Object.keys(body.problems).sort()).toEqual(['data_requests', 'meetings_attended']);
		expect(body.problems.meetings_attended).toMatch(/[\u4e00-\u9fff]/);
		expect(await openSubmissions()).toHaveLength(0);
	});

	it('answers 401 without a session, 404 outside the point, 400 for a body that is not an action', async () => {
		expect((await call('GET', null)).status).toBe(401);
		expect((await call('GET', s.users.reviewer)).status).toBe(404);
		expect((await call('POST', s.users.staff, {}, String(s.points.far.id))).status).toBe(404);
		expect((await call('POST', s.users.staff, 'not json')).status).toBe(400);
		expect(
			(await call('POST', s.users.staff, { kind: 'save', token: 'x', expectedVersion: null })).status
		).toBe(400);
		const copy = await call('GET', s.users.staff);
		expect(copy.status).toBe(200);
		// Nothing saved yet: the form shows last round's answers.
		expect(await copy.json()).toMatchObject({ version: null, values: { meetings_attended: '3' }, saved: [] });
	});
});
