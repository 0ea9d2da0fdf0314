// A reviewer working through a submitted checklist on the real pages: return with a reason the
// staff member sees, correction and resubmission, acceptance that locks it, reopening, who may
// do any of it, and the history each step leaves.
import { isHttpError, isRedirect, type ActionFailure } from '@sveltejs/kit';
import type { SuperValidated } from 'sveltekit-superforms';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PublicUser } from '../../src/lib/domain/roles';
import * as formPage from '../../src/routes/(app)/points/[id=id]/rounds/[round=id]/+page.server';
import * as reviewPage from '../../src/routes/(app)/submissions/[id=id]/+page.server';
import { callAction, callLoad, makeEvent, thrownBy, useLocale } from '../helpers/event';
import { auditRows, countRows, everyKindDefinition } from '../helpers/factories';
import { quarter, useScenario } from '../helpers/scenario';

useLocale('zh');

// Each test gets its own database with the checklist just submitted, and replays the review
// steps before the one it checks (see `reached`).
const scenario = useScenario(
	{
		points: { own: 'village', neighbour: 'community', far: 'otherVillage' },
		users: {
			staff: ['staff', 'village'],
			otherStaff: ['staff', 'community'],
			reviewer: ['reviewer', 'county'],
			farReviewer: ['reviewer', 'otherCounty'],
			analyst: ['analyst', 'city'],
			admin: 'admin'
		},
		definition: everyKindDefinition,
		quarters: [quarter('2026-Q1')]
	},
	{ fresh: 'each' }
);
const { users: u } = scenario;
let db: typeof scenario.db;
let point: { id: number };
let round: number;
let submissionId: number;

beforeEach(async () => {
	db = scenario.db;
	point = scenario.points.own;
	round = scenario.rounds[0];
	// The staff member fills every section and submits, through the form page.
	const answers: Record<number, Record<string, string | string[]>> = {
		0: { 'a.boards': '3', 'a.hours': '2.5', 'a.rehung': 'no' },
		1: { 'a.trend': 'lighter', 'a.kinds': ['supervision', 'evaluation'] },
		2: { 'a.visited_on': '2026-02-14', 'a.remark': '无', 'a.story': '' }
	};
	for (const section of [0, 1, 2]) {
		const version = (await staffForm()).submission?.version;
		await redirected(() =>
			staffAction('save', { section: String(section), version: String(version ?? ''), ...answers[section] })
		);
	}
	const data = await staffForm();
	await redirected(() =>
		staffAction('submit', { version: String(data.submission!.version), clientToken: data.clientToken })
	);
	submissionId = data.submission!.id;
});

function staffEvent(user: PublicUser, form?: Record<string, string | string[]>) {
	return makeEvent({
		user,
		params: { id: String(point.id), round: String(round) },
		url: `/points/${point.id}/rounds/${round}`,
		form
	});
}
const staffForm = (user = u.staff) => callLoad(formPage.load, staffEvent(user));
const staffAction = (name: keyof typeof formPage.actions, form: Record<string, string | string[]>) =>
	callAction(formPage.actions[name], staffEvent(u.staff, form));

function reviewEvent(user: PublicUser, form?: Record<string, string>) {
	return makeEvent({
		user,
		params: { id: String(submissionId) },
		url: `/submissions/${submissionId}`,
		form
	});
}
const reviewLoad = (user: PublicUser = u.reviewer) => callLoad(reviewPage.load, reviewEvent(user));
type ReviewAction = keyof typeof reviewPage.actions;
const review = (name: ReviewAction, form: Record<string, string> = {}, user: PublicUser = u.reviewer) =>
	callAction(reviewPage.actions[name], reviewEvent(user, form));

async function redirected(run: () => unknown) {
	const e = await thrownBy(run);
	if (!isRedirect(e)) throw new Error(`expected a redirect, got ${JSON.stringify(e)}`);
	return e.location;
}

/** A review step's form as superforms sends it back: which step (its id), the fields as typed,
 * each sentence on its field, a refusal of the whole under `_errors`, and a done step's message. */
type ReviewForm = SuperValidated<{ version: string; reason?: string }>;
function failure(result: unknown, status: number): ReviewForm {
	const f = result as ActionFailure<{ form: ReviewForm }>;
	expect(f?.status).toBe(status);
	return f.data.form;
}
const doneMessage = (result: unknown) => (result as { form: ReviewForm }).form.message;

async function row() {
	return db.selectFrom('submissions').selectAll().where('id', '=', submissionId).executeTakeFirstOrThrow();
}

/** Everything a refused review step must leave alone. */
async function snapshot() {
	return {
		submission: await row(),
		answers: await db
			.selectFrom('answers')
			.selectAll()
			.where('submission_id', '=', submissionId)
			.orderBy('item_key')
			.execute(),
		audit: await countRows(db, 'audit_log')
	};
}

const changesOf = (r: { changes: string | null }) => JSON.parse(r.changes ?? 'null');
const submissionAudit = (action: string) =>
	auditRows(db, { action, entityType: 'submission', entityId: submissionId });

/** The staff member corrects section 0 (boards 3 → 4) of a returned checklist and resubmits it. */
async function correctAndResubmit() {
	const version = (await staffForm()).submission!.version;
	await redirected(() =>
		staffAction('save', {
			section: '0',
			version: String(version),
			'a.boards': '4',
			'a.hours': '2.5',
			'a.rehung': 'no'
		})
	);
	const data = await staffForm();
	await redirected(() =>
		staffAction('submit', { version: String(data.submission!.version), clientToken: data.clientToken })
	);
}

/** The review story, step by step, as the tests below walk it. */
const steps = {
	returned: () => review('return', { reason: ' 牌子数与实地核查不符，请核实 ' }),
	resubmitted: correctAndResubmit,
	accepted: async () => {
		const { submission } = await reviewLoad();
		await review('accept', { version: String(submission.version) });
	},
	reopened: () => review('reopen', { reason: '县里复核发现借调人数有误' })
};
type Step = keyof typeof steps;

/** Replays the review steps up to and including `step`, from the submitted checklist. */
async function reached(step: Step) {
	for (const s of Object.keys(steps) as Step[]) {
		await steps[s]();
		if (s === step) return;
	}
}

describe('a submitted checklist', () => {
	it('reaches the reviewer with its answers, labels and state', async () => {
		const data = await reviewLoad();
		expect(data.canReview).toBe(true);
		expect(data.submission).toMatchObject({ status: 'submitted', reviewNote: null });
		expect(data.answers).toMatchObject({
			boards: 3,
			hours: 2.5,
			trend: 'lighter',
			kinds: ['supervision', 'evaluation']
		});
		expect(data.labels.boards).toBe('外挂牌子有几块？');
		expect(data.templateVersion).toBe(1);
	});
});

describe('who may review', () => {
	const refusals: { who: string; user: () => PublicUser; seesPage: boolean }[] = [
		{ who: 'a reviewer of another county', user: () => u.farReviewer, seesPage: false },
		{ who: 'the staff member of another point', user: () => u.otherStaff, seesPage: false },
		{ who: 'an analyst over the city', user: () => u.analyst, seesPage: true },
		{ who: 'the staff member who submitted it', user: () => u.staff, seesPage: true },
		{ who: 'an admin', user: () => u.admin, seesPage: true }
	];

	for (const { who, user, seesPage } of refusals) {
		it(`answers 404 to ${who} on accept, return and reopen, changing nothing`, async () => {
			const before = await snapshot();
			for (const name of ['accept', 'return', 'reopen'] as const) {
				const e = await thrownBy(() => review(name, { reason: '试试看' }, user()));
				expect(isHttpError(e, 404), name).toBe(true);
			}
			expect(await snapshot()).toEqual(before);
		});

		it(`${seesPage ? 'shows' : 'answers 404 to'} ${who} the submission page${seesPage ? ', without review buttons' : ''}`, async () => {
			if (seesPage) expect((await reviewLoad(user())).canReview).toBe(false);
			else expect(isHttpError(await thrownBy(() => reviewLoad(user())), 404)).toBe(true);
		});
	}
});

describe('returning for correction', () => {
	it('needs a reason: without one the reviewer gets a field message and nothing changes', async () => {
		const before = await snapshot();
		for (const reason of ['', '   ']) {
			const f = failure(await review('return', { reason }), 400);
			expect(f).toMatchObject({ id: 'return', errors: { reason: ['请写明原因。'] } });
		}
		expect(await snapshot()).toEqual(before);
	});

	it('refuses a reason over 500 characters and sends it back as typed', async () => {
		const before = await snapshot();
		const long = '因'.repeat(501);
		const f = failure(await review('return', { reason: long }), 400);
		expect(f).toMatchObject({ id: 'return', errors: { reason: ['不能超过 500 个字符。'] } });
		expect(f.errors).toEqual({ reason: ['不能超过 500 个字符。'] });
		expect(f.data.reason).toBe(long);
		expect(await snapshot()).toEqual(before);
	});

	it('returns it with the reason, and records who and why', async () => {
		const result = await review('return', { reason: ' 牌子数与实地核查不符，请核实 ' });
		expect(doneMessage(result)).toBe('已退回，联络员会看到原因。');
		expect(await row()).toMatchObject({
			status: 'returned',
			review_note: '牌子数与实地核查不符，请核实',
			reviewed_by: u.reviewer.id
		});
		const [returned] = await submissionAudit('submission.return');
		expect(returned.user_id).toBe(u.reviewer.id);
		expect(changesOf(returned)).toEqual({
			status: ['submitted', 'returned'],
			reason: '牌子数与实地核查不符，请核实'
		});
	});

	it('shows the staff member the reason on an editable form', async () => {
		await reached('returned');
		const data = await staffForm();
		expect(data.submission).toMatchObject({ status: 'returned', reviewNote: '牌子数与实地核查不符，请核实' });
		expect(data.locked).toBe(false);
		expect(data.section).toBe(0);
	});

	it('refuses to return it twice', async () => {
		await reached('returned');
		const before = await snapshot();
		const f = failure(await review('return', { reason: '再退一次' }), 409);
		expect(f.errors._errors).toEqual(['这份清单的状态已变化，无法执行此操作。']);
		expect(await snapshot()).toEqual(before);
	});

	it('lets the staff member correct and resubmit it', async () => {
		await reached('returned');
		await correctAndResubmit();
		expect(await row()).toMatchObject({ status: 'submitted' });
		const answerChanges = (await submissionAudit('submission.answers')).map(changesOf);
		expect(answerChanges.at(-1)).toEqual({ boards: [3, 4] });
		expect(await submissionAudit('submission.submit')).toHaveLength(2);
	});
});

describe('accepting', () => {
	it('is refused when the checklist changed since the reviewer opened it', async () => {
		await reached('resubmitted');
		const before = await snapshot();
		const f = failure(await review('accept', { version: String(before.submission.version - 1) }), 409);
		expect(f.errors._errors).toEqual(['这份清单刚刚有变化，请刷新后再审核。']);
		expect(await snapshot()).toEqual(before);
	});

	it('accepts the version the reviewer saw', async () => {
		await reached('resubmitted');
		const { submission } = await reviewLoad();
		expect(doneMessage(await review('accept', { version: String(submission.version) }))).toBe('已审核通过。');
		expect(await row()).toMatchObject({ status: 'accepted', review_note: null, reviewed_by: u.reviewer.id });
		const [accepted] = await submissionAudit('submission.accept');
		expect(changesOf(accepted)).toEqual({ status: ['submitted', 'accepted'] });
	});

	it('locks it: the staff member’s save is refused with the locked message', async () => {
		await reached('accepted');
		const data = await staffForm();
		expect(data.locked).toBe(true);
		const before = await snapshot();
		const f = (await staffAction('save', {
			section: '0',
			version: String(data.submission!.version),
			'a.boards': '9',
			'a.rehung': 'no'
		})) as ActionFailure<{ form: SuperValidated<Record<string, unknown>> }>;
		expect(f.status).toBe(409);
		expect(f.data.form.errors._errors).toEqual(['已提交的清单不能修改，如需修改请联系审核员退回。']);
		expect(await snapshot()).toEqual(before);
	});

	it('cannot be returned any more, only reopened', async () => {
		await reached('accepted');
		const before = await snapshot();
		const f = failure(await review('return', { reason: '改主意了' }), 409);
		expect(f.errors._errors).toEqual(['这份清单的状态已变化，无法执行此操作。']);
		expect(await snapshot()).toEqual(before);
	});
});

describe('reopening an accepted checklist', () => {
	it('needs a reason', async () => {
		await reached('accepted');
		const before = await snapshot();
		const f = failure(await review('reopen', { reason: '' }), 400);
		expect(f).toMatchObject({ id: 'reopen', errors: { reason: ['请写明原因。'] } });
		expect(await snapshot()).toEqual(before);
	});

	it('sends it back to the staff member as returned, with the reason', async () => {
		await reached('accepted');
		expect(doneMessage(await review('reopen', { reason: '县里复核发现借调人数有误' }))).toBe(
			'已重新打开并退回给联络员。'
		);
		expect(await row()).toMatchObject({ status: 'returned', review_note: '县里复核发现借调人数有误' });
		const [reopened] = await submissionAudit('submission.reopen');
		expect(changesOf(reopened)).toEqual({
			status: ['accepted', 'returned'],
			reason: '县里复核发现借调人数有误'
		});
		const data = await staffForm();
		expect(data.locked).toBe(false);
		expect(data.submission?.reviewNote).toBe('县里复核发现借调人数有误');
	});

	it('refuses to reopen what is not accepted', async () => {
		await reached('reopened');
		const before = await snapshot();
		const f = failure(await review('reopen', { reason: '再开一次' }), 409);
		expect(f.errors._errors).toEqual(['这份清单的状态已变化，无法执行此操作。']);
		expect(await snapshot()).toEqual(before);
	});
});

describe('the history on the submission page', () => {
	it('lists every state change and answer change, newest first, with who did it', async () => {
		await reached('reopened');
		const { history } = await reviewLoad();
		expect(history.map((h: { action: string }) => h.action)).toEqual([
			'submission.reopen',
			'submission.accept',
			'submission.submit',
			'submission.answers',
			'submission.return',
			'submission.submit',
			'submission.answers',
			'submission.answers',
			'submission.answers',
			'submission.create'
		]);
		const byAction = (a: string) => history.filter((h: { action: string }) => h.action === a);
		expect(byAction('submission.return')[0].username).toBe(u.reviewer.username);
		expect(byAction('submission.submit')[0].username).toBe(u.staff.username);
		expect(byAction('submission.answers')[0].changes).toEqual({ boards: [3, 4] });
	});

	it('is the same for the staff member and an analyst who open the page', async () => {
		await reached('reopened');
		const reviewer = (await reviewLoad()).history;
		expect((await reviewLoad(u.staff)).history).toEqual(reviewer);
		expect((await reviewLoad(u.analyst)).history).toEqual(reviewer);
	});
});
