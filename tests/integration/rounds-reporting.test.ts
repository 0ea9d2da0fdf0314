// Rounds: what creating one refuses, whom opening one asks, who may manage them, and the
// reporting rate (on time, late, missing) per round and region on a known set of points.
import { isHttpError, isRedirect, type ActionFailure } from '@sveltejs/kit';
import type { SuperValidated } from 'sveltekit-superforms';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Answers } from '../../src/lib/domain/checklist';
import type { PublicUser } from '../../src/lib/domain/roles';
import {
	listTargets,
	percent,
	rateByChild,
	rateOf,
	ratesByRound
} from '../../src/lib/server/checklists/reporting.queries';
import { createRound, openRound, type RoundInput } from '../../src/lib/server/checklists/rounds.service';
import { returnSubmission, saveAnswers } from '../../src/lib/server/checklists/submissions.service';
import { saveDraft } from '../../src/lib/server/checklists/templates.service';
import { setPointActive } from '../../src/lib/server/points/points.service';
import { Refusal } from '../../src/lib/server/refusal';
import * as formPage from '../../src/routes/(app)/points/[id=id]/rounds/[round=id]/+page.server';
import * as roundPage from '../../src/routes/(app)/rounds/[id=id]/+page.server';
import * as newRoundPage from '../../src/routes/(app)/rounds/new/+page.server';
import * as roundsPage from '../../src/routes/(app)/rounds/+page.server';
import { callAction, callLoad, makeEvent, thrownBy, useLocale } from '../helpers/event';
import {
	countRows,
	everyKindDefinition,
	newPoint,
	newRegion,
	newRound,
	newSubmission,
	newTemplate,
	newUser
} from '../helpers/factories';
import { STANDARD_USERS, useScenario } from '../helpers/scenario';

useLocale('zh');

// One database for the file: the tests read the county round below; those that write make rounds
// and points of their own (and put back what they change).
const scenario = useScenario(
	{
		points: { onTimeAccepted: 'village', onTime: 'community', outside: 'otherVillage' },
		users: STANDARD_USERS,
		definition: everyKindDefinition
	},
	{ fresh: 'all' }
);
const { tree, users: u } = scenario;
let db: typeof scenario.db;
/** A second township in the county, beside tree.township. */
let township2: string;
let versionId: number;
let templateId: number;

/** The county round's points: three in each township, plus one inactive and one outside. */
const pt = {} as Record<
	'onTime' | 'onTimeAccepted' | 'late' | 'returned' | 'never' | 'draftOnly' | 'inactive' | 'outside',
	number
>;
let countyRound: number;

const answers: Answers = { boards: 2, rehung: false, trend: 'same' };

beforeAll(async () => {
	({ db, versionId, templateId } = scenario);
	township2 = await newRegion(db, `${tree.county}002`, '丽景街街道');
	const village3 = await newRegion(db, `${tree.township}003`, '燕鸽湖村委会');
	for (const name of ['onTimeAccepted', 'onTime', 'outside'] as const) pt[name] = scenario.points[name].id;
	pt.late = (await newPoint(db, village3)).id;
	pt.returned = (await newPoint(db, await newRegion(db, `${township2}001`, '掌政村委会'))).id;
	pt.never = (await newPoint(db, await newRegion(db, `${township2}002`, '永固村委会'))).id;
	pt.draftOnly = (await newPoint(db, await newRegion(db, `${township2}003`, '洼路村委会'))).id;
	pt.inactive = (await newPoint(db, await newRegion(db, `${township2}004`, '通贵村委会'))).id;
	await setPointActive(db, u.admin.id, pt.inactive, false);

	countyRound = await newRound(db, versionId, {
		name: '2026年3月',
		periodKind: 'month',
		period: '2026-03',
		opensOn: '2026-03-01',
		dueOn: '2026-03-31',
		targetRegion: tree.county
	});
	const at = (iso: string) => ({ at: new Date(iso) });
	await newSubmission(db, countyRound, pt.onTimeAccepted, answers, at('2026-03-20T02:00:00Z'));
	await newSubmission(db, countyRound, pt.onTime, answers, {
		until: 'submitted',
		...at('2026-03-31T15:59:00Z')
	});
	await newSubmission(db, countyRound, pt.late, answers, {
		until: 'submitted',
		...at('2026-04-02T01:00:00Z')
	});
	const returned = await newSubmission(db, countyRound, pt.returned, answers, {
		until: 'submitted',
		...at('2026-03-25T08:00:00Z')
	});
	await returnSubmission(db, u.reviewer.id, returned, '请补充说明');
	await newSubmission(db, countyRound, pt.draftOnly, answers, { until: 'draft' });
});

const is404 = (e: unknown) => isHttpError(e, 404);

function roundEvent(user: PublicUser, id: number, query = '', form?: Record<string, string>) {
	return makeEvent({ user, params: { id: String(id) }, url: `/rounds/${id}${query}`, form });
}

describe('opening a round', () => {
	it('asks the active points in the target region and no others', async () => {
		const targets = await listTargets(db, countyRound, null);
		expect(targets.map((t) => t.pointId).sort()).toEqual(
			[pt.onTimeAccepted, pt.onTime, pt.late, pt.returned, pt.never, pt.draftOnly].sort()
		);
	});

	it('keeps a point deactivated afterwards as a target, and does not add a point created afterwards', async () => {
		const { versionId: v } = await newTemplate(db, everyKindDefinition, '快照测试');
		const id = await newRound(db, v, { targetRegion: township2 });
		await setPointActive(db, u.admin.id, pt.never, false);
		const later = await newPoint(db, await newRegion(db, `${township2}005`, '新设村委会'));
		const targets = (await listTargets(db, id, null)).map((t) => t.pointId);
		expect(targets.sort()).toEqual([pt.returned, pt.never, pt.draftOnly].sort());
		expect(targets).not.toContain(later.id);

		// The later point's staff member has nothing to fill in that round.
		const staff = await newUser(db, 'staff', `${township2}005`);
		const e = await thrownBy(() =>
			callLoad(formPage.load, makeEvent({ user: staff, params: { id: String(later.id), round: String(id) } }))
		);
		expect(is404(e)).toBe(true);
		// Nor can the service be talked into taking its answers.
		const outcome = saveAnswers(db, staff.id, {
			roundId: id,
			pointId: later.id,
			expectedVersion: null,
			raw: { boards: '1' },
			notes: {}
		});
		// Not a target: refused as not found.
		await expect(outcome).rejects.toMatchObject({ status: 404, problems: { '': { code: 'not_found' } } });
		expect(
			await db.selectFrom('submissions').select('id').where('point_id', '=', later.id).execute()
		).toEqual([]);
		await setPointActive(db, u.admin.id, pt.never, true);
	});

	it('asks every active point in every region when it has no target', async () => {
		const { versionId: v } = await newTemplate(db, everyKindDefinition, '全部');
		const id = await newRound(db, v);
		const targets = (await listTargets(db, id, null)).map((t) => t.pointId);
		expect(targets).toContain(pt.outside);
		expect(targets).not.toContain(pt.inactive);
	});

	it('keeps a draft round closed to staff until it opens', async () => {
		const { versionId: v } = await newTemplate(db, everyKindDefinition, '草稿轮次');
		const id = await newRound(db, v, { open: false });
		expect(await listTargets(db, id, null)).toEqual([]);
		await expect(openRound(db, null, id)).resolves.toBeUndefined();
		await expect(openRound(db, null, id)).rejects.toMatchObject({
			status: 409,
			problems: { '': { code: 'round_wrong_state' } }
		});
	});
});

describe('the reporting rate of a round', () => {
	it('counts on time, late and missing, a returned one as reported and a draft as missing', async () => {
		const rows = await listTargets(db, countyRound, tree.county);
		expect(rateOf(rows)).toEqual({ targets: 6, onTime: 3, late: 1, missing: 2, accepted: 1 });
		const state = Object.fromEntries(rows.map((r) => [r.pointId, [r.state, r.late]]));
		expect(state).toEqual({
			[pt.onTimeAccepted]: ['accepted', false],
			[pt.onTime]: ['submitted', false],
			[pt.late]: ['submitted', true],
			[pt.returned]: ['returned', false],
			[pt.never]: ['not_started', false],
			[pt.draftOnly]: ['draft', false]
		});
	});

	it('breaks the county down by township', async () => {
		const rows = await listTargets(db, countyRound, tree.county);
		expect(rateByChild(rows, tree.county)).toEqual([
			{ code: tree.township, targets: 3, onTime: 2, late: 1, missing: 0, accepted: 1 },
			{ code: township2, targets: 3, onTime: 1, late: 0, missing: 2, accepted: 0 }
		]);
	});

	it('narrows to one township, broken down by village', async () => {
		const rows = await listTargets(db, countyRound, township2);
		expect(rateOf(rows)).toEqual({ targets: 3, onTime: 1, late: 0, missing: 2, accepted: 0 });
		expect(rateByChild(rows, township2).map((c) => [c.code, c.missing])).toEqual([
			[`${township2}001`, 0],
			[`${township2}002`, 1],
			[`${township2}003`, 1]
		]);
	});

	it('groups by province when no region is given', async () => {
		const rows = await listTargets(db, countyRound, null);
		expect(rateByChild(rows, null)).toEqual([
			{ code: tree.province, targets: 6, onTime: 3, late: 1, missing: 2, accepted: 1 }
		]);
	});

	it('gives the same figures when many rounds are counted in one query', async () => {
		for (const within of [null, tree.county, tree.township, tree.otherCounty]) {
			const grouped = await ratesByRound(db, [countyRound], within);
			expect(grouped.get(countyRound)).toEqual(rateOf(await listTargets(db, countyRound, within)));
		}
	});

	it('is empty for a region the round does not reach', async () => {
		expect(rateOf(await listTargets(db, countyRound, tree.otherCounty))).toEqual({
			targets: 0,
			onTime: 0,
			late: 0,
			missing: 0,
			accepted: 0
		});
	});

	it.each([
		[4, 6, 66.7],
		[3, 6, 50],
		[1, 3, 33.3],
		[2, 3, 66.7],
		[1, 8, 12.5],
		[1, 7, 14.3],
		[6, 6, 100],
		[0, 6, 0],
		[0, 0, 0]
	])('shows %i of %i as %d percent', (part, whole, expected) => {
		expect(percent(part, whole)).toBe(expected);
	});
});

describe('the round page', () => {
	it('shows the reviewer their county’s rate, by township, with names', async () => {
		const data = await callLoad(roundPage.load, roundEvent(u.reviewer, countyRound));
		expect(data.region).toBe(tree.county);
		expect(data.rate).toEqual({ targets: 6, onTime: 3, late: 1, missing: 2, accepted: 1 });
		expect(data.children).toEqual([
			{ code: tree.township, name: '凤凰北街街道', targets: 3, onTime: 2, late: 1, missing: 0, accepted: 1 },
			{ code: township2, name: '丽景街街道', targets: 3, onTime: 1, late: 0, missing: 2, accepted: 0 }
		]);
		expect(data.targets).toHaveLength(6);
		expect(data.round).toMatchObject({
			status: 'open',
			dueOn: '2026-03-31',
			targetName: '兴庆区',
			templateVersion: 1
		});
		expect(data.canManage).toBe(false);
	});

	it('narrows to a township asked for in the address', async () => {
		const data = await callLoad(roundPage.load, roundEvent(u.reviewer, countyRound, `?region=${township2}`));
		expect(data.region).toBe(township2);
		expect(data.rate).toMatchObject({ targets: 3, missing: 2 });
		expect(data.children.map((c: { name: string }) => c.name)).toEqual([
			'掌政村委会',
			'永固村委会',
			'洼路村委会'
		]);
	});

	it('ignores a region outside the reviewer’s scope and shows their own', async () => {
		const data = await callLoad(roundPage.load, roundEvent(u.reviewer, countyRound, `?region=${tree.city}`));
		expect(data.region).toBe(tree.county);
		expect(data.rate.targets).toBe(6);
	});

	it('shows the analyst over the city the one county as a child, and lets them manage it', async () => {
		const data = await callLoad(roundPage.load, roundEvent(u.analyst, countyRound));
		expect(data.region).toBe(tree.city);
		expect(data.children).toEqual([
			{ code: tree.county, name: '兴庆区', targets: 6, onTime: 3, late: 1, missing: 2, accepted: 1 }
		]);
		expect(data.canManage).toBe(true);
	});

	it('shows an admin the round from its target', async () => {
		const data = await callLoad(roundPage.load, roundEvent(u.admin, countyRound));
		expect(data.region).toBe(tree.county);
		expect(data.rate.targets).toBe(6);
	});

	it('answers 404 to a reviewer of another county and to staff', async () => {
		for (const user of [u.farReviewer, u.staff]) {
			expect(is404(await thrownBy(() => callLoad(roundPage.load, roundEvent(user, countyRound))))).toBe(true);
		}
	});

	it('lists the round with its rate on the rounds page', async () => {
		const data = await callLoad(roundsPage.load, makeEvent({ user: u.reviewer, url: '/rounds' }));
		const listed = data.rounds.find((r: { id: number }) => r.id === countyRound);
		expect(listed?.rate).toEqual({ targets: 6, onTime: 3, late: 1, missing: 2, accepted: 1 });
		expect(data.canCreate).toBe(false);
		const far = await callLoad(roundsPage.load, makeEvent({ user: u.farReviewer, url: '/rounds' }));
		expect(far.rounds.map((r: { id: number }) => r.id)).not.toContain(countyRound);
	});

	it('answers 404 to staff on the rounds page', async () => {
		expect(
			is404(await thrownBy(() => callLoad(roundsPage.load, makeEvent({ user: u.staff, url: '/rounds' }))))
		).toBe(true);
	});
});

describe('opening and closing from the round page', () => {
	// Each test has a draft round of its own, and replays the steps before the one it checks.
	let draftRound: number;

	beforeEach(async () => {
		draftRound = await newRound(db, versionId, { targetRegion: tree.township, open: false });
	});

	it('shows a draft round without targets or rate', async () => {
		const data = await callLoad(roundPage.load, roundEvent(u.analyst, draftRound));
		expect(data.targets).toEqual([]);
		expect(data.rate.targets).toBe(0);
	});

	it('answers 404 to a reviewer trying to open it, and leaves it a draft', async () => {
		const e = await thrownBy(() =>
			callAction(roundPage.actions.open, roundEvent(u.reviewer, draftRound, '', {}))
		);
		expect(is404(e)).toBe(true);
		expect(await countTargets(draftRound)).toBe(0);
	});

	it('opens for the analyst, then refuses to open twice', async () => {
		expect(await callAction(roundPage.actions.open, roundEvent(u.analyst, draftRound, '', {}))).toEqual({
			done: '轮次已开启。'
		});
		expect(await countTargets(draftRound)).toBe(3);
		const again = (await callAction(
			roundPage.actions.open,
			roundEvent(u.analyst, draftRound, '', {})
		)) as ActionFailure<{ error: string }>;
		expect(again.status).toBe(409);
		expect(again.data.error).toBe('轮次状态已变化，请刷新页面。');
	});

	it('closes, after which a staff save is refused', async () => {
		await openRound(db, u.analyst.id, draftRound);
		expect(await callAction(roundPage.actions.close, roundEvent(u.analyst, draftRound, '', {}))).toEqual({
			done: '轮次已结束。'
		});
		const row = await db
			.selectFrom('rounds')
			.select('status')
			.where('id', '=', draftRound)
			.executeTakeFirst();
		expect(row?.status).toBe('closed');
		const result = (await callAction(
			formPage.actions.save,
			makeEvent({
				user: u.staff,
				params: { id: String(pt.onTimeAccepted), round: String(draftRound) },
				form: { section: '0', version: '', 'a.boards': '1', 'a.rehung': 'no' }
			})
		)) as ActionFailure<{ form: SuperValidated<Record<string, unknown>> }>;
		expect(result.status).toBe(409);
		expect(result.data.form.errors._errors).toEqual(['本轮填报已结束。']);
	});

	async function countTargets(roundId: number) {
		return (await db.selectFrom('round_targets').select('point_id').where('round_id', '=', roundId).execute())
			.length;
	}
});

describe('creating a round', () => {
	const base = (): RoundInput => ({
		name: '2026年第2季度',
		periodKind: 'quarter',
		period: '2026-Q2',
		templateVersionId: versionId,
		targetRegion: tree.county,
		opensOn: '2026-04-01',
		dueOn: '2026-07-10'
	});

	const refusals: {
		what: string;
		change: () => Partial<RoundInput>;
		problem: { field: string; code: string };
	}[] = [
		{
			what: 'month 2026-13',
			change: () => ({ periodKind: 'month', period: '2026-13' }),
			problem: { field: 'period', code: 'round_bad_period' }
		},
		{
			what: 'quarter 2026-Q5',
			change: () => ({ period: '2026-Q5' }),
			problem: { field: 'period', code: 'round_bad_period' }
		},
		{
			what: 'a custom period ending before it starts',
			change: () => ({ periodKind: 'custom', periodStart: '2026-03-10', periodEnd: '2026-03-01' }),
			problem: { field: 'periodEnd', code: 'round_end_before_start' }
		},
		{
			what: 'a custom period on 30 February',
			change: () => ({ periodKind: 'custom', periodStart: '2026-02-01', periodEnd: '2026-02-30' }),
			problem: { field: 'period', code: 'round_bad_period' }
		},
		{
			what: 'a custom period with no end',
			change: () => ({ periodKind: 'custom', periodStart: '2026-02-01' }),
			problem: { field: 'period', code: 'round_bad_period' }
		},
		{
			what: 'a due date before the opening date',
			change: () => ({ opensOn: '2026-04-01', dueOn: '2026-03-31' }),
			problem: { field: 'dueOn', code: 'round_due_before_open' }
		},
		{
			what: 'a template version that does not exist',
			change: () => ({ templateVersionId: 99_999 }),
			problem: { field: 'templateVersionId', code: 'round_not_published' }
		},
		{
			what: 'an unknown target region',
			change: () => ({ targetRegion: '640199' }),
			problem: { field: 'targetRegion', code: 'region_unknown' }
		},
		{
			what: 'a village as the target',
			change: () => ({ targetRegion: tree.village }),
			problem: { field: 'targetRegion', code: 'region_unknown' }
		},
		{
			what: 'a target that is not a code',
			change: () => ({ targetRegion: '64x1' }),
			problem: { field: 'targetRegion', code: 'region_unknown' }
		}
	];

	for (const { what, change, problem } of refusals) {
		it(`refuses ${what}, writing nothing`, async () => {
			const before = { rounds: await countRows(db, 'rounds'), audit: await countRows(db, 'audit_log') };
			const e = await thrownBy(() => createRound(db, u.admin.id, { ...base(), ...change() }));
			expect(e).toBeInstanceOf(Refusal);
			expect((e as Refusal).problems).toEqual({ [problem.field]: { code: problem.code } });
			expect({ rounds: await countRows(db, 'rounds'), audit: await countRows(db, 'audit_log') }).toEqual(
				before
			);
		});
	}

	it.each([
		['opensOn', { opensOn: '2026-02-30' }],
		['dueOn', { dueOn: '2026-13-01' }]
	])('refuses an impossible %s and writes nothing', async (field, dates) => {
		const before = await countRows(db, 'rounds');
		const attempt = createRound(db, null, {
			name: '日期有误',
			periodKind: 'quarter',
			period: '2026-Q1',
			opensOn: '2026-01-01',
			dueOn: '2026-04-10',
			templateVersionId: versionId,
			...dates
		});
		await expect(attempt).rejects.toBeInstanceOf(Refusal);
		await expect(attempt).rejects.toMatchObject({ problems: { [field]: { code: 'date_invalid' } } });
		expect(await countRows(db, 'rounds')).toBe(before);
	});

	it('refuses a template version that is still a draft, writing nothing', async () => {
		const draft = await saveDraft(db, u.admin.id, templateId, everyKindDefinition);
		expect(draft.status).toBe('draft');
		const before = await countRows(db, 'rounds');
		const e = await thrownBy(() => createRound(db, u.admin.id, { ...base(), templateVersionId: draft.id }));
		expect((e as Refusal).problems).toEqual({ templateVersionId: { code: 'round_not_published' } });
		expect(await countRows(db, 'rounds')).toBe(before);
	});

	it('creates a draft round with its period and an audit record', async () => {
		const id = await createRound(db, u.admin.id, { ...base(), name: ' 2026年第2季度 ' });
		const row = await db.selectFrom('rounds').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
		expect(row).toMatchObject({
			name: '2026年第2季度',
			period_start: '2026-04-01',
			period_end: '2026-06-30',
			status: 'draft',
			target_region_code: tree.county,
			created_by: u.admin.id
		});
	});
});

describe('the new-round page', () => {
	type RoundForm = SuperValidated<Record<string, unknown>>;

	function postNew(user: PublicUser, fields: Record<string, string>) {
		const form = {
			name: '2026年第3季度',
			periodKind: 'quarter',
			period: '2026-Q3',
			periodStart: '',
			periodEnd: '',
			templateVersionId: String(versionId),
			targetRegion: '',
			opensOn: '2026-07-01',
			dueOn: '2026-10-10',
			...fields
		};
		return callAction(newRoundPage.actions.default, makeEvent({ user, url: '/rounds/new', form }));
	}

	function fieldErrors(result: unknown) {
		const f = result as ActionFailure<{ form: RoundForm }>;
		expect(f.status).toBe(400);
		return f.data.form.errors;
	}

	it('refuses an analyst a round outside their city, with a message on the target field', async () => {
		const before = await countRows(db, 'rounds');
		for (const targetRegion of [tree.otherCity, '']) {
			const errors = fieldErrors(await postNew(u.analyst, { targetRegion }));
			expect(errors.targetRegion).toEqual(['只能为您所辖地区内的观测点开设轮次。']);
		}
		expect(await countRows(db, 'rounds')).toBe(before);
	});

	it('puts the service’s refusal on the field it concerns', async () => {
		const before = await countRows(db, 'rounds');
		const errors = fieldErrors(await postNew(u.admin, { period: '2026-Q5' }));
		expect(errors.period).toEqual(['期间格式不对，或日期无效。']);
		const due = fieldErrors(await postNew(u.admin, { dueOn: '2026-06-30' }));
		expect(due.dueOn).toEqual(['截止日期不能早于开始填报日期。']);
		expect(await countRows(db, 'rounds')).toBe(before);
	});

	it('creates an analyst’s round inside their city and goes to it', async () => {
		const e = await thrownBy(() => postNew(u.analyst, { targetRegion: tree.county }));
		expect(isRedirect(e)).toBe(true);
		const id = Number((e as { location: string }).location.replace('/rounds/', ''));
		const row = await db.selectFrom('rounds').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
		expect(row).toMatchObject({ status: 'draft', created_by: u.analyst.id, target_region_code: tree.county });
	});

	it('answers 404 to reviewers and staff', async () => {
		for (const user of [u.reviewer, u.staff]) {
			expect(
				is404(await thrownBy(() => callLoad(newRoundPage.load, makeEvent({ user, url: '/rounds/new' }))))
			).toBe(true);
			expect(is404(await thrownBy(() => postNew(user, { targetRegion: tree.county })))).toBe(true);
		}
	});
});
