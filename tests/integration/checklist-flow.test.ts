// The checklist as a point's staff member goes through it with last round accepted: what carries
// over and what is asked afresh, "same as last round" confirmed on one screen (and refused out
// loud), register-only sections, withdrawing a submit, and the point's record of past rounds.
import { isHttpError, isRedirect, type ActionFailure } from '@sveltejs/kit';
import type { SuperValidated } from 'sveltekit-superforms';
import { beforeEach, describe, expect, it } from 'vitest';
import {
	isRegisterOnly,
	type Answers,
	type AnswerValue,
	type SameEntry
} from '../../src/lib/domain/checklist';
import { defaultDefinition } from '../../src/lib/domain/default-template';
import { listTargets, rateOf } from '../../src/lib/server/checklists/reporting.queries';
import { closeRound } from '../../src/lib/server/checklists/rounds.service';
import {
	acceptSubmission,
	returnSubmission,
	saveAnswers,
	submit
} from '../../src/lib/server/checklists/submissions.service';
import {
	addSignboard,
	rehangSignboard,
	removeSignboard
} from '../../src/lib/server/registers/signboards.service';
import * as pointPage from '../../src/routes/(app)/points/[id=id]/+page.server';
import * as formPage from '../../src/routes/(app)/points/[id=id]/rounds/[round=id]/+page.server';
import * as samePage from '../../src/routes/(app)/points/[id=id]/rounds/[round=id]/same/+page.server';
import { callAction, callLoad, makeEvent, thrownBy, useLocale } from '../helpers/event';
import { auditRows, newSubmission, type TestUser } from '../helpers/factories';
import { freshAnswers, lastAnswers, sectionFields, type Fields } from '../helpers/checklist-answers';
import { quarter, useScenario } from '../helpers/scenario';

useLocale('zh');

const TODAY = '2026-11-20';
const REQUIRED = '此题必答。';

const s = useScenario(
	{
		points: { own: 'village', neighbour: 'community' },
		users: {
			staff: ['staff', 'village'],
			otherStaff: ['staff', 'community'],
			reviewer: ['reviewer', 'county']
		},
		categories: { cancelled: { status: 'cancelled', placement: 'exterior' } },
		definition: defaultDefinition,
		quarters: [quarter('2026-Q3'), quarter('2026-Q4')],
		answers: { own: [lastAnswers, null] },
		closeRounds: [0]
	},
	{ fresh: 'each' }
);

let roundId: number;
let pointId: number;
beforeEach(() => {
	roundId = s.rounds[1];
	pointId = s.points.own.id;
});

// ---- driving the pages as the point's staff member -----------------------------------------

function formEvent(options: { form?: Fields; user?: TestUser; search?: string; page?: '/same' } = {}) {
	return makeEvent({
		user: options.user ?? s.users.staff,
		params: { id: String(pointId), round: String(roundId) },
		url: `/points/${pointId}/rounds/${roundId}${options.page ?? ''}${options.search ?? ''}`,
		form: options.form
	});
}

const loadForm = (search = '', user?: TestUser) => callLoad(formPage.load, formEvent({ search, user }));

type ActionName = keyof typeof formPage.actions | 'sameAll';
const act = (name: ActionName, form: Fields, user?: TestUser) =>
	name === 'sameAll'
		? callAction(samePage.actions.default, formEvent({ form, user, page: '/same' }))
		: callAction(formPage.actions[name], formEvent({ form, user }));
/** The "same as last round" screen, a page of its own. */
const loadSame = (user?: TestUser) => callLoad(samePage.load, formEvent({ user, page: '/same' }));

async function done(name: ActionName, form: Fields): Promise<string> {
	const e = await thrownBy(() => act(name, form));
	if (!isRedirect(e)) throw new Error(`expected a redirect, got ${JSON.stringify(e)}`);
	expect(e.status).toBe(303);
	return e.location;
}

function failure(result: unknown, status: number) {
	const f = result as ActionFailure<{ form: SuperValidated<Record<string, unknown>>; confirm?: string[] }>;
	expect(f?.status).toBe(status);
	return f.data;
}

const row = () =>
	s.db
		.selectFrom('submissions')
		.selectAll()
		.where('round_id', '=', roundId)
		.where('point_id', '=', pointId)
		.executeTakeFirst();

async function stored(): Promise<Answers> {
	const r = await row();
	if (!r) return {};
	const rows = await s.db.selectFrom('answers').selectAll().where('submission_id', '=', r.id).execute();
	return Object.fromEntries(rows.map((a) => [a.item_key, JSON.parse(a.value) as AnswerValue]));
}

const version = async () => {
	const v = (await loadForm()).submission?.version;
	return v == null ? '' : String(v);
};

/** The "same as last round" screen's post: what it asked, typed as `typed` says. */
async function sameAllFields(typed: Fields): Promise<Fields> {
	const data = await loadSame();
	const asked = (data.same as SameEntry[]).filter((e) => e.source === 'asked').map((e) => e.item.key);
	const fields: Fields = {
		version: data.submission ? String(data.submission.version) : '',
		clientToken: data.clientToken
	};
	fields.asked = asked;
	for (const key of asked) if (typed[key] !== undefined) fields[`a.${key}`] = typed[key];
	return fields;
}

/** The register now says a plate of a cancelled kind was hung again this quarter. */
async function rehangPlate() {
	const plate = await addSignboard(
		s.db,
		null,
		pointId,
		{
			text: '老龄委',
			categoryId: s.categories.cancelled,
			placement: null,
			department: '县民政局',
			hungOn: '2025-01-01'
		},
		TODAY
	);
	await removeSignboard(s.db, null, pointId, plate.id, { removedOn: '2025-06-01' }, TODAY);
	await rehangSignboard(s.db, null, pointId, plate.id, { hungOn: '2026-11-02' }, TODAY);
}

// ---------------------------------------------------------------------------------------------

describe('what carries over from last round', () => {
	it('prefills standing facts only; period events, the burden text and the feeling are asked afresh', async () => {
		const data = await loadForm();
		expect(data.prefilled).toBe(true);
		expect(data.values).toMatchObject({ mechanisms_hosted: '3', apps_required: '4', work_groups: '6' });
		expect(data.values).toMatchObject({
			mechanisms_new: '',
			meetings_attended: '',
			burden_trend: '',
			heaviest_burden: '',
			inspection_kinds: ''
		});
		expect(Object.keys(data.carried).sort()).toEqual(['apps_required', 'mechanisms_hosted', 'work_groups']);
		// Last round's answer is still shown beside the question, as a hint.
		expect(data.previous.burden_trend).toBe('lighter');
	});

	it('submits the carrying answers of a section never saved, and refuses what does not carry', async () => {
		for (const index of [4, 5]) await done('save', sectionFields(index, await version()));
		const f = failure(await act('submit', { version: await version(), clientToken: 't' }), 400);
		// 查机制 was never saved: its committees carry over, its new ones this quarter must be answered.
		expect(f.form.errors).toEqual({ mechanisms_new: [REQUIRED] });
		expect((await row())!.status).toBe('draft');

		await done('save', sectionFields(1, await version()));
		expect(await done('submit', { version: await version(), clientToken: 't' })).toBe('?section=review');
		const answers = await stored();
		expect(answers).toMatchObject({ mechanisms_hosted: 3, mechanisms_new: 1, burden_trend: 'same' });
		// An optional period figure never typed this round is not last round's.
		expect(answers.certificates_total ?? null).toBeNull();
	});

	it('takes a section whose questions all carry from last round in one tap', async () => {
		expect(await done('sameSection', { section: '3', version: '' })).toBe('?section=4');
	});

	it('refuses "this section is unchanged" where the section asks something afresh, writing nothing', async () => {
		const f = failure(await act('sameSection', { section: '1', version: '' }), 400);
		expect(f.form.errors).toEqual({ mechanisms_new: [REQUIRED] });
		expect(await row()).toBeUndefined();
	});
});

describe('"same as last round" on one screen', () => {
	it('shows what it will submit: carried answers, register figures, and what must be answered', async () => {
		const data = await loadSame();
		const by = (source: string) =>
			(data.same as SameEntry[]).filter((e) => e.source === source).map((e) => [e.item.key, e.value]);
		expect(Object.fromEntries(by('carried'))).toMatchObject({
			mechanisms_hosted: 3,
			apps_required: 4,
			work_groups: 6
		});
		expect(Object.fromEntries(by('register'))).toMatchObject({
			signboards_exterior: 0,
			signboards_rehung: false
		});
		expect(by('asked').map(([k]) => k)).toEqual([
			'mechanisms_new',
			'certificates_total',
			'data_requests',
			'data_requests_duplicate',
			'meetings_attended',
			'inspections_received',
			'inspection_kinds',
			'burden_trend',
			'heaviest_burden'
		]);
	});

	it('refuses, submitting nothing, when the register now asks a question last round left blank', async () => {
		await rehangPlate();
		const fields = await sameAllFields(freshAnswers);
		expect(fields.asked).toContain('signboards_rehung_detail');
		const f = failure(await act('sameAll', fields), 400);
		expect(f.form.errors).toEqual({ signboards_rehung_detail: [REQUIRED] });
		// What was typed comes back, so nothing has to be typed again.
		expect(f.form.data['a.burden_trend']).toBe('same');
		expect(await row()).toBeUndefined();
		// The review step does not look submitted.
		const review = await loadForm('?section=review');
		expect(review.submission).toBeNull();
		expect(review.locked).toBe(false);
	});

	it('refuses a bare tap (nothing typed) with each question that must be answered', async () => {
		const data = await loadSame();
		const f = failure(await act('sameAll', { version: '', clientToken: data.clientToken }), 400);
		expect(Object.keys(f.form.errors).sort()).toEqual(
			[
				'burden_trend',
				'data_requests',
				'data_requests_duplicate',
				'inspections_received',
				'mechanisms_new',
				'meetings_attended'
			].sort()
		);
		expect(await row()).toBeUndefined();
	});

	it('submits once what it asked is answered, and a second tap is answered as done', async () => {
		await rehangPlate();
		const fields = await sameAllFields({ ...freshAnswers, signboards_rehung_detail: '老龄委，县民政局要求' });
		const review = `/points/${pointId}/rounds/${roundId}?section=review`;
		expect(await done('sameAll', fields)).toBe(review);
		expect(await done('sameAll', fields)).toBe(review);
		const r = (await row())!;
		expect(r.status).toBe('submitted');
		expect(await auditRows(s.db, { action: 'submission.submit', entityId: r.id })).toHaveLength(1);
		expect(await stored()).toMatchObject({
			mechanisms_hosted: 3,
			apps_required: 4,
			mechanisms_new: 1,
			burden_trend: 'same',
			heaviest_burden: '新增两个工作群',
			signboards_rehung: true,
			signboards_rehung_detail: '老龄委，县民政局要求'
		});
		expect((await loadForm('?section=review')).locked).toBe(true);
		// Nothing to take over any more: the screen sends the staff member to the checklist.
		const away = await thrownBy(() => loadSame());
		expect(isRedirect(away) && away.location).toBe(`/points/${pointId}/rounds/${roundId}`);
	});

	it('is a page of its own: the old ?section=same address leads there', async () => {
		const e = await thrownBy(() => loadForm('?section=same'));
		expect(isRedirect(e) && e.status === 303 && e.location).toBe(`/points/${pointId}/rounds/${roundId}/same`);
	});

	it("is the point's own staff's only, like the checklist", async () => {
		const e = await thrownBy(() => loadSame(s.users.reviewer));
		expect(isHttpError(e) && e.status).toBe(404);
	});
});

describe('sections made only of register figures', () => {
	it('count complete before anything is saved; prefilled sections whose questions carry do too', async () => {
		expect(isRegisterOnly(defaultDefinition.sections[0])).toBe(true);
		expect(isRegisterOnly(defaultDefinition.sections[3])).toBe(true);
		expect(isRegisterOnly(defaultDefinition.sections[2])).toBe(false);
		// 查牌子, 查证明 (its one typed question is optional) and 查借调 need no tap.
		expect((await loadForm()).complete).toEqual([true, false, true, true, false, false]);
	});

	it('do not count complete when the register makes a typed question appear', async () => {
		await rehangPlate();
		expect((await loadForm()).complete[0]).toBe(false);
	});
});

describe('withdrawing a submit', () => {
	const submitted = async () => {
		const answers = { ...lastAnswers, mechanisms_new: 1, burden_trend: 'same' };
		return newSubmission(s.db, roundId, pointId, answers, { until: 'submitted' });
	};

	it('takes a submitted checklist back to a draft, unreported, audited', async () => {
		const id = await submitted();
		const before = (await row())!;
		expect((await loadForm()).canWithdraw).toBe(true);
		expect(await done('withdraw', { version: String(before.version) })).toBe('?section=review&withdrawn=1');
		const after = (await row())!;
		expect(after).toMatchObject({
			status: 'draft',
			version: before.version + 1,
			submitted_at: null,
			client_token: null
		});
		const [audit] = await auditRows(s.db, { action: 'submission.withdraw', entityId: id });
		expect(JSON.parse(audit.changes!)).toEqual({ status: ['submitted', 'draft'] });
		expect(audit.user_id).toBe(s.users.staff.id);
		const data = await loadForm('?section=review&withdrawn=1');
		expect(data).toMatchObject({ locked: false, canWithdraw: false, withdrawn: true });
		expect(rateOf(await listTargets(s.db, roundId, null)).missing).toBe(2);
		// It can be changed and submitted again.
		await done('save', sectionFields(5, await version()));
		expect(await done('submit', { version: await version(), clientToken: 'again' })).toBe('?section=review');
		expect((await row())!.status).toBe('submitted');
	});

	it('is refused once a reviewer has accepted it', async () => {
		const id = await submitted();
		await acceptSubmission(s.db, s.users.reviewer.id, id);
		const r = (await row())!;
		expect((await loadForm()).canWithdraw).toBe(false);
		const f = failure(await act('withdraw', { version: String(r.version) }), 409);
		expect(f.form.errors._errors).toEqual([
			'审核员已经处理了这份清单，不能再撤回。如需修改，请联系审核员退回。'
		]);
		expect(await row()).toEqual(r);
	});

	it('is refused when the round has closed', async () => {
		await submitted();
		const r = (await row())!;
		await closeRound(s.db, null, roundId);
		const f = failure(await act('withdraw', { version: String(r.version) }), 409);
		expect(f.form.errors._errors).toEqual(['本轮填报已结束。']);
		expect((await row())!.status).toBe('submitted');
	});

	it('is refused on a page read before a change', async () => {
		await submitted();
		const r = (await row())!;
		const f = failure(await act('withdraw', { version: String(r.version - 1) }), 409);
		expect(f.form.errors._errors).toEqual(['这份清单刚刚有变化，请刷新页面后再试。']);
	});

	it('is refused for a draft, which has nothing to take back', async () => {
		await done('save', sectionFields(5, ''));
		const f = failure(await act('withdraw', { version: await version() }), 409);
		expect(f.form.errors._errors).toEqual(['这份清单还没有提交，不需要撤回。']);
	});

	it('takes a resubmitted correction back to returned, keeping the reviewer’s note and first report', async () => {
		const id = await submitted();
		await returnSubmission(s.db, s.users.reviewer.id, id, '会议次数请核实');
		const returned = (await row())!;
		const saved = await saveAnswers(s.db, null, {
			roundId,
			pointId,
			expectedVersion: returned.version,
			itemKeys: ['meetings_attended'],
			raw: { meetings_attended: '4' },
			notes: {}
		});
		await submit(s.db, null, { roundId, pointId, expectedVersion: saved.version, clientToken: 'fix' });
		const resent = (await row())!;
		await done('withdraw', { version: String(resent.version) });
		expect((await row())!).toMatchObject({
			status: 'returned',
			review_note: '会议次数请核实',
			submitted_at: returned.submitted_at
		});
	});

	it('answers 404 to another point’s staff and to the reviewer', async () => {
		await submitted();
		const r = (await row())!;
		for (const user of [s.users.otherStaff, s.users.reviewer]) {
			const e = await thrownBy(() => act('withdraw', { version: String(r.version) }, user));
			expect(isHttpError(e, 404)).toBe(true);
		}
		expect((await row())!.status).toBe('submitted');
	});
});

describe('the point page', () => {
	it('lists every round with its state, dates and the reviewer’s note; a returned one says what to fix', async () => {
		const id = await newSubmission(
			s.db,
			roundId,
			pointId,
			{ ...lastAnswers, burden_trend: 'same' },
			{ until: 'submitted' }
		);
		await returnSubmission(s.db, s.users.reviewer.id, id, '会议次数请核实');
		const data = await callLoad(
			pointPage.load,
			makeEvent({ user: s.users.staff, params: { id: String(pointId) }, url: `/points/${pointId}` })
		);
		// Only open rounds ask for filling; the record has every round, newest first.
		expect(data.rounds.map((r: { id: number }) => r.id)).toEqual([roundId]);
		expect(
			data.history.map((r: { roundId: number; status: string; roundStatus: string }) => [
				r.roundId,
				r.status,
				r.roundStatus
			])
		).toEqual([
			[roundId, 'returned', 'open'],
			[s.rounds[0], 'accepted', 'closed']
		]);
		expect(data.history[0]).toMatchObject({ reviewNote: '会议次数请核实' });
		expect(data.history[0].submittedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		expect(data.history[1].reviewedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		expect(data.history[1].reviewNote).toBeNull();
	});
});
