// A point's staff member filling the 六必查 through the real form page: section saves, bad input,
// prefill from last round, "same as last round", repeat submits, stale saves, out-of-line values,
// late submissions, and who may fill at all.
import { isHttpError, isRedirect, type ActionFailure } from '@sveltejs/kit';
import type { SuperValidated } from 'sveltekit-superforms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answers, AnswerValue } from '../../src/lib/domain/checklist';
import type { PublicUser } from '../../src/lib/domain/roles';
import { closeRound } from '../../src/lib/server/checklists/rounds.service';
import { listTargets } from '../../src/lib/server/checklists/reporting.queries';
import {
	acceptSubmission,
	returnSubmission,
	saveAnswers,
	submit
} from '../../src/lib/server/checklists/submissions.service';
import type { Db } from '../../src/lib/server/db';
import { problemsBySection } from '../../src/lib/text/checklist';
import * as formPage from '../../src/routes/(app)/points/[id=id]/rounds/[round=id]/+page.server';
import * as samePage from '../../src/routes/(app)/points/[id=id]/rounds/[round=id]/same/+page.server';
import * as reviewPage from '../../src/routes/(app)/submissions/[id=id]/+page.server';
import { freshDatabase } from '../helpers/db';
import { callAction, callLoad, makeEvent, thrownBy, useLocale } from '../helpers/event';
import {
	auditRows,
	countRows,
	everyKindDefinition,
	newPoint,
	newRegion,
	newRegionTree,
	newRound,
	newSubmission,
	newTemplate,
	newUser,
	type RegionTree
} from '../helpers/factories';

useLocale('zh');

interface Staffed {
	id: number;
	staff: PublicUser;
}

const names = [
	'fresh',
	'draft',
	'incomplete',
	'repeat',
	'sameAll',
	'sameSection',
	'stale',
	'appeared',
	'confirm',
	'prefill',
	'cleared',
	'audit',
	'onTime',
	'late'
] as const;
type Name = (typeof names)[number];
/** Points whose last round's checklist was accepted, so they have something to prefill from. */
const withHistory: Name[] = ['sameAll', 'sameSection', 'confirm', 'prefill', 'cleared', 'audit'];

const lastAnswers: Answers = {
	boards: 3,
	hours: 1.5,
	rehung: false,
	trend: 'same',
	kinds: ['supervision', 'inspection'],
	visited_on: '2025-12-01',
	remark: '上季度无变化'
};

let db: Db;
let close: () => Promise<void>;
let tree: RegionTree;
let lastRound: number;
let round: number;
let reviewer: PublicUser;
const p = {} as Record<Name, Staffed>;

beforeAll(async () => {
	({ db, close } = await freshDatabase());
	tree = await newRegionTree(db);
	for (const [i, name] of names.entries()) {
		const code = await newRegion(db, `${tree.township}${String(100 + i)}`, `${name}村委会`);
		const { id } = await newPoint(db, code);
		p[name] = { id, staff: await newUser(db, 'staff', code) };
	}
	reviewer = await newUser(db, 'reviewer', tree.county);
	const { versionId } = await newTemplate(db, everyKindDefinition);
	lastRound = await newRound(db, versionId, {
		name: '2025年第4季度',
		period: '2025-Q4',
		opensOn: '2025-10-01',
		dueOn: '2026-01-10'
	});
	for (const name of withHistory) await newSubmission(db, lastRound, p[name].id, lastAnswers);
	await closeRound(db, null, lastRound);
	round = await newRound(db, versionId);
});
afterAll(() => close());

// ---- driving the form page as the point's staff member -------------------------------------

type Fields = Record<string, string | string[]>;

function formEvent(pt: Staffed, options: { form?: Fields; user?: PublicUser; roundId?: number } = {}) {
	const roundId = options.roundId ?? round;
	return makeEvent({
		user: options.user ?? pt.staff,
		params: { id: String(pt.id), round: String(roundId) },
		url: `/points/${pt.id}/rounds/${roundId}`,
		form: options.form
	});
}

const loadForm = (pt: Staffed, options: { user?: PublicUser; roundId?: number } = {}) =>
	callLoad(formPage.load, formEvent(pt, options));

/** The checklist's actions, and `sameAll`: the default action of its "same as last round" page. */
type ActionName = keyof typeof formPage.actions | 'sameAll';
const act = (
	name: ActionName,
	pt: Staffed,
	form: Fields,
	options: { user?: PublicUser; roundId?: number } = {}
) =>
	callAction(
		name === 'sameAll' ? samePage.actions.default : formPage.actions[name],
		formEvent(pt, { ...options, form })
	);

/** Runs an action that should succeed: it answers with a 303 to the next step. */
async function done(name: ActionName, pt: Staffed, form: Fields): Promise<string> {
	const e = await thrownBy(() => act(name, pt, form));
	if (!isRedirect(e)) throw new Error(`expected a redirect, got ${JSON.stringify(e)}`);
	expect(e.status).toBe(303);
	return e.location;
}

/** A refused post: the form as superforms sends it back (each sentence on its item's key, a
 * refusal of the whole under `_errors`, the fields as typed), and the items that ask for a reason. */
interface FormFailure {
	form: SuperValidated<Record<string, unknown>>;
	confirm?: string[];
}
function failure(result: unknown, status: number): FormFailure {
	const f = result as ActionFailure<FormFailure>;
	expect(f?.status).toBe(status);
	return f.data;
}

/** A valid answer for every item of each section, as the form posts it. */
const goodFields: Record<number, Fields> = {
	0: { 'a.boards': '3', 'a.hours': '', 'a.rehung': 'no' },
	1: { 'a.trend': 'same' },
	2: { 'a.visited_on': '', 'a.remark': '', 'a.story': '' }
};

const versionField = (v: number | null | undefined) => (v == null ? '' : String(v));

function sectionForm(section: number, version: number | null | undefined, changes: Fields = {}): Fields {
	return { section: String(section), version: versionField(version), ...goodFields[section], ...changes };
}

async function currentVersion(pt: Staffed): Promise<number | null> {
	return (await loadForm(pt)).submission?.version ?? null;
}

/** Saves one section from a freshly loaded form, as a person clicking "save, next" would. */
async function saveSection(pt: Staffed, section: number, changes: Fields = {}): Promise<string> {
	return done('save', pt, sectionForm(section, await currentVersion(pt), changes));
}

async function submissionRow(pt: Staffed, roundId = round) {
	return db
		.selectFrom('submissions')
		.selectAll()
		.where('round_id', '=', roundId)
		.where('point_id', '=', pt.id)
		.executeTakeFirst();
}

async function storedAnswers(pt: Staffed, roundId = round) {
	const s = await submissionRow(pt, roundId);
	if (!s) return {};
	const rows = await db.selectFrom('answers').selectAll().where('submission_id', '=', s.id).execute();
	return Object.fromEntries(
		rows.map((r) => [r.item_key, { value: JSON.parse(r.value) as AnswerValue, note: r.note }])
	);
}

const valuesOf = (stored: Record<string, { value: AnswerValue }>) =>
	Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, v.value]));

/** Everything a refused save must leave alone. */
async function snapshot(pt: Staffed) {
	const submission = await submissionRow(pt);
	const answers = submission
		? await db
				.selectFrom('answers')
				.selectAll()
				.where('submission_id', '=', submission.id)
				.orderBy('item_key')
				.execute()
		: [];
	return { submission, answers, audit: await countRows(db, 'audit_log') };
}

const changesOf = (row: { changes: string | null }) => JSON.parse(row.changes ?? 'null');

// ---------------------------------------------------------------------------------------------

describe('bad input in a section', () => {
	const cases: { what: string; section: number; key: string; input: string | string[]; message: string }[] = [
		{
			what: 'a count of "abc"',
			section: 0,
			key: 'boards',
			input: 'abc',
			message: '请填一个整数，如 0、3、12。'
		},
		{ what: 'a count of -1', section: 0, key: 'boards', input: '-1', message: '不能小于 0。' },
		{
			what: 'a count of 2.5',
			section: 0,
			key: 'boards',
			input: '2.5',
			message: '请填一个整数，如 0、3、12。'
		},
		{
			what: 'a count above the maximum of 50',
			section: 0,
			key: 'boards',
			input: '51',
			message: '不能大于 50，请核实。'
		},
		{ what: 'a number of "x"', section: 0, key: 'hours', input: 'x', message: '请填一个数字。' },
		{ what: 'a yes/no of "maybe"', section: 0, key: 'rehung', input: 'maybe', message: '请选“是”或“否”。' },
		{
			what: 'a single choice that is not an option',
			section: 1,
			key: 'trend',
			input: 'sometimes',
			message: '请从给出的选项中选择。'
		},
		{
			what: 'a multi choice with an unknown option',
			section: 1,
			key: 'kinds',
			input: ['supervision', 'bogus'],
			message: '请从给出的选项中选择。'
		},
		{
			what: 'too few choices (at least 2)',
			section: 1,
			key: 'kinds',
			input: ['supervision'],
			message: '至少选 2 项。'
		},
		{
			what: 'too many choices (at most 3)',
			section: 1,
			key: 'kinds',
			input: ['supervision', 'inspection', 'evaluation', 'ranking'],
			message: '最多选 3 项。'
		},
		{
			what: 'the date 2026-02-30',
			section: 2,
			key: 'visited_on',
			input: '2026-02-30',
			message: '请填有效日期（年-月-日）。'
		},
		{
			what: 'a date of "not a date"',
			section: 2,
			key: 'visited_on',
			input: 'not a date',
			message: '请填有效日期（年-月-日）。'
		},
		{
			what: 'short text of 201 characters',
			section: 2,
			key: 'remark',
			input: '字'.repeat(201),
			message: '不能超过 200 个字。'
		},
		{
			what: 'long text of 2001 characters',
			section: 2,
			key: 'story',
			input: '字'.repeat(2001),
			message: '不能超过 2000 个字。'
		},
		{
			what: 'a shown conditional text of 201 characters',
			section: 0,
			key: 'rehung_detail',
			input: '字'.repeat(201),
			message: '不能超过 200 个字。'
		}
	];

	beforeAll(async () => {
		// The draft point has every section saved once, so a refusal has something to overwrite.
		for (const section of [0, 1, 2]) await saveSection(p.draft, section);
	});

	for (const c of cases) {
		const form = (version: number | null) => {
			const changes: Fields = { [`a.${c.key}`]: c.input };
			if (c.key === 'rehung_detail') changes['a.rehung'] = 'yes';
			return sectionForm(c.section, version, changes);
		};

		it(`refuses ${c.what} before any draft exists, creating nothing`, async () => {
			const before = await snapshot(p.fresh);
			const f = failure(await act('save', p.fresh, form(null)), 400);
			expect(f.form.errors).toEqual({ [c.key]: [c.message] });
			// The form comes back as typed, so nothing has to be re-entered.
			expect(f.form.data[`a.${c.key}`]).toEqual(c.input);
			expect(await snapshot(p.fresh)).toEqual(before);
			expect(before.submission).toBeUndefined();
		});

		it(`refuses ${c.what} on a saved draft, changing nothing`, async () => {
			const before = await snapshot(p.draft);
			const f = failure(await act('save', p.draft, form(before.submission!.version)), 400);
			expect(f.form.errors).toEqual({ [c.key]: [c.message] });
			expect(await snapshot(p.draft)).toEqual(before);
		});
	}

	it('lists every bad item of the section at once', async () => {
		const before = await snapshot(p.fresh);
		const f = failure(
			await act('save', p.fresh, sectionForm(0, null, { 'a.boards': 'abc', 'a.hours': 'x', 'a.rehung': '' })),
			400
		);
		expect(f.form.errors).toEqual({ boards: ['请填一个整数，如 0、3、12。'], hours: ['请填一个数字。'] });
		expect(await snapshot(p.fresh)).toEqual(before);
	});

	it('refuses a section number that does not exist', async () => {
		const before = await snapshot(p.fresh);
		const f = failure(await act('save', p.fresh, sectionForm(0, null, { section: '7' })), 400);
		expect(f.form.errors._errors).toEqual(['找不到这一节，请刷新页面。']);
		expect(await snapshot(p.fresh)).toEqual(before);
	});
});

describe('saving section by section', () => {
	it('keeps a draft on the server and moves to the next section', async () => {
		expect(await saveSection(p.incomplete, 0, { 'a.boards': '4', 'a.rehung': 'yes' })).toBe('?section=1');
		const data = await loadForm(p.incomplete);
		expect(data.submission).toMatchObject({ status: 'draft', version: 1 });
		expect(data.savedAnswers).toMatchObject({ boards: 4, hours: null, rehung: true });
		expect(data.locked).toBe(false);
	});

	it('goes where the person asked, or to the review step after the last section', async () => {
		const version = await currentVersion(p.incomplete);
		expect(await done('save', p.incomplete, { ...sectionForm(2, version), goto: '0' })).toBe('?section=0');
		expect(await saveSection(p.incomplete, 2)).toBe('?section=review');
	});

	it('refuses to submit with required items blank, naming each with its section, and writes nothing', async () => {
		const before = await snapshot(p.incomplete);
		const f = failure(
			await act('submit', p.incomplete, {
				version: versionField(before.submission!.version),
				clientToken: 't1'
			}),
			400
		);
		// The detail became required when "rehung" was answered yes; the single choice was never answered.
		// The page lists them in the form's order, each with its section.
		expect(problemsBySection(everyKindDefinition, f.form.errors)).toEqual([
			expect.objectContaining({ section: 0, key: 'rehung_detail', message: '此题必答。' }),
			expect.objectContaining({ section: 1, key: 'trend', message: '此题必答。' })
		]);
		expect(await snapshot(p.incomplete)).toEqual(before);
		expect(before.submission!.status).toBe('draft');
	});

	it('refuses to submit when nothing was ever saved', async () => {
		const before = await snapshot(p.fresh);
		const f = failure(await act('submit', p.fresh, { version: '', clientToken: 't' }), 400);
		expect(f.form.errors._errors).toEqual(['还没有填写任何内容。']);
		expect(await snapshot(p.fresh)).toEqual(before);
	});
});

describe('a repeated submit', () => {
	beforeAll(async () => {
		for (const section of [0, 1, 2]) await saveSection(p.repeat, section);
	});

	it('leaves one submission and one submit record, whether the token is the same or not', async () => {
		const data = await loadForm(p.repeat);
		const form = { version: versionField(data.submission?.version), clientToken: data.clientToken };
		expect(await done('submit', p.repeat, form)).toBe('?section=review');
		expect(await done('submit', p.repeat, form)).toBe('?section=review');
		expect(await done('submit', p.repeat, { ...form, clientToken: 'another-tab' })).toBe('?section=review');

		const rows = await db.selectFrom('submissions').selectAll().where('point_id', '=', p.repeat.id).execute();
		expect(rows.filter((r) => r.round_id === round)).toHaveLength(1);
		const row = (await submissionRow(p.repeat))!;
		expect(row).toMatchObject({
			status: 'submitted',
			client_token: data.clientToken,
			submitted_by: p.repeat.staff.id
		});
		expect(await auditRows(db, { action: 'submission.submit', entityId: row.id })).toHaveLength(1);
	});

	it('shows the submitted checklist locked on the review step', async () => {
		const data = await loadForm(p.repeat);
		expect(data.locked).toBe(true);
		expect(data.section).toBe('review');
		expect(data.submission?.status).toBe('submitted');
	});

	it('refuses a later save with the locked message, changing nothing', async () => {
		const before = await snapshot(p.repeat);
		const f = failure(await act('save', p.repeat, sectionForm(0, before.submission!.version)), 409);
		expect(f.form.errors._errors).toEqual(['已提交的清单不能修改，如需修改请联系审核员退回。']);
		expect(await snapshot(p.repeat)).toEqual(before);
	});
});

describe('"same as last round"', () => {
	it('prefills the whole form from the last accepted round', async () => {
		const data = await loadForm(p.sameAll);
		expect(data.prefilled).toBe(true);
		expect(data.previousRound).toEqual({ id: lastRound, name: '2025年第4季度' });
		expect(data.submission).toBeNull();
	});

	// Changed with carry-over: only the answers that carry are last round's; the single choice and
	// the date and texts are answered on the same screen (those posted as `asked`).
	it('submits last round’s answers in one step, once, even when tapped twice', async () => {
		const data = await loadForm(p.sameAll);
		const form = {
			version: '',
			clientToken: data.clientToken,
			asked: ['trend', 'visited_on', 'remark', 'story'],
			'a.trend': 'same'
		};
		const review = `/points/${p.sameAll.id}/rounds/${round}?section=review`;
		expect(await done('sameAll', p.sameAll, form)).toBe(review);
		// The second tap carries the page's old version; it must still be answered as done.
		expect(await done('sameAll', p.sameAll, form)).toBe(review);

		const row = (await submissionRow(p.sameAll))!;
		expect(row.status).toBe('submitted');
		expect(await auditRows(db, { action: 'submission.submit', entityId: row.id })).toHaveLength(1);
		expect(
			await db.selectFrom('submissions').select('id').where('point_id', '=', p.sameAll.id).execute()
		).toHaveLength(2); // last round's and this round's
		const { boards, hours, rehung, kinds, trend } = lastAnswers;
		expect(valuesOf(await storedAnswers(p.sameAll))).toMatchObject({ boards, hours, rehung, kinds, trend });
		expect(valuesOf(await storedAnswers(p.sameAll)).remark ?? null).toBeNull();
	});

	it('takes one section from last round and moves on', async () => {
		expect(await done('sameSection', p.sameSection, { section: '0', version: '' })).toBe('?section=1');
		expect(valuesOf(await storedAnswers(p.sameSection))).toEqual({ boards: 3, hours: 1.5, rehung: false });
		const data = await loadForm(p.sameSection);
		expect(Object.keys(data.savedAnswers).sort()).toEqual(['boards', 'hours', 'rehung']);
	});

	it('refuses to take a section from last round while it asks a question that does not carry', async () => {
		const before = await snapshot(p.sameSection);
		const f = failure(
			await act('sameSection', p.sameSection, {
				section: '1',
				version: versionField(before.submission?.version)
			}),
			400
		);
		expect(f.form.errors).toEqual({ trend: ['此题必答。'] });
		expect(await snapshot(p.sameSection)).toEqual(before);
	});
});

describe('a save based on an old version', () => {
	it('is refused when another save came first, and the first one’s answers stay', async () => {
		await saveSection(p.stale, 0, { 'a.boards': '4' });
		const version = await currentVersion(p.stale);
		expect(await done('save', p.stale, sectionForm(0, version, { 'a.boards': '5' }))).toBe('?section=1');

		const before = await snapshot(p.stale);
		const f = failure(await act('save', p.stale, sectionForm(0, version, { 'a.boards': '6' })), 409);
		expect(f.form.errors._errors).toEqual([
			'这份草稿刚被别人修改过，您的内容没有保存。请刷新页面查看最新内容后再改。'
		]);
		expect(await snapshot(p.stale)).toEqual(before);
		expect((await storedAnswers(p.stale)).boards.value).toBe(5);
	});

	it('is refused when a draft appeared after the form was read without one', async () => {
		const opened = await loadForm(p.appeared);
		expect(opened.submission).toBeNull();
		// Another phone saves first.
		await done('save', p.appeared, sectionForm(0, null, { 'a.boards': '7' }));

		const before = await snapshot(p.appeared);
		const f = failure(
			await act('save', p.appeared, sectionForm(0, opened.submission?.version, { 'a.boards': '8' })),
			409
		);
		expect(f.form.errors._errors).toEqual([
			'这份草稿刚被别人修改过，您的内容没有保存。请刷新页面查看最新内容后再改。'
		]);
		expect(await snapshot(p.appeared)).toEqual(before);
		expect((await storedAnswers(p.appeared)).boards.value).toBe(7);
	});

	it('is refused at submit as well', async () => {
		const version = await currentVersion(p.appeared);
		await saveSection(p.appeared, 1);
		const before = await snapshot(p.appeared);
		const f = failure(
			await act('submit', p.appeared, { version: versionField(version), clientToken: 'x' }),
			409
		);
		expect(f.form.errors._errors).toEqual([
			'这份草稿刚被别人修改过，您的内容没有保存。请刷新页面查看最新内容后再改。'
		]);
		expect(await snapshot(p.appeared)).toEqual(before);
	});
});

describe('a value far out of line with last round', () => {
	it('is refused without a reason, asking for confirmation, and nothing is written', async () => {
		const before = await snapshot(p.confirm);
		const f = failure(await act('save', p.confirm, sectionForm(0, null, { 'a.boards': '30' })), 400);
		expect(f.form.errors).toEqual({ boards: ['这个数与上一轮相差很大，请确认并简要说明原因。'] });
		expect(f.confirm).toEqual(['boards']);
		expect(await snapshot(p.confirm)).toEqual(before);
	});

	it('is refused with a reason over 200 characters', async () => {
		const f = failure(
			await act('save', p.confirm, sectionForm(0, null, { 'a.boards': '30', 'n.boards': '因'.repeat(201) })),
			400
		);
		expect(f.form.errors).toEqual({ boards: ['说明不能超过 200 个字。'] });
		expect(await submissionRow(p.confirm)).toBeUndefined();
	});

	it('needs no reason for a change in line with last round', async () => {
		expect(await done('save', p.confirm, sectionForm(0, null, { 'a.boards': '5' }))).toBe('?section=1');
	});

	it('is saved with a short reason, which is kept with the answer', async () => {
		const reason = '本季度新挂了综治中心等三块牌子';
		await saveSection(p.confirm, 0, { 'a.boards': '30', 'n.boards': ` ${reason} ` });
		expect((await storedAnswers(p.confirm)).boards).toEqual({ value: 30, note: reason });
		expect((await loadForm(p.confirm)).notes).toEqual({ boards: reason });
	});

	it('shows the reason to the reviewer beside the answer and last round’s value', async () => {
		const row = (await submissionRow(p.confirm))!;
		const data = await callLoad(
			reviewPage.load,
			makeEvent({ user: reviewer, params: { id: String(row.id) }, url: `/submissions/${row.id}` })
		);
		expect(data.answers.boards).toBe(30);
		expect(data.notes).toEqual({ boards: '本季度新挂了综治中心等三块牌子' });
		expect(data.previous.boards).toBe(3);
	});

	it('is refused again when a later save of the section drops the reason', async () => {
		const before = await snapshot(p.confirm);
		const f = failure(
			await act('save', p.confirm, sectionForm(0, before.submission!.version, { 'a.boards': '30' })),
			400
		);
		expect(f.confirm).toEqual(['boards']);
		expect(await snapshot(p.confirm)).toEqual(before);
	});
});

describe('prefill from the last accepted round', () => {
	// Changed with carry-over: by kind, counts, numbers, yes/no and multiple choices carry; a single
	// choice, a date and text do not (everyKindDefinition sets no carriesOver of its own).
	it('shows last round’s answers in the fields that carry over, and leaves the others blank', async () => {
		const data = await loadForm(p.prefill);
		expect(data.prefilled).toBe(true);
		expect(data.values).toEqual({
			boards: '3',
			hours: '1.5',
			rehung: 'no',
			rehung_detail: '',
			trend: '',
			kinds: ['supervision', 'inspection'],
			visited_on: '',
			remark: '',
			story: ''
		});
		// Progress counts only what this round saved.
		expect(data.savedAnswers).toEqual({});
	});

	it('keeps showing last round’s answers in the sections not yet saved', async () => {
		await saveSection(p.prefill, 0, { 'a.boards': '4', 'a.hours': '1.5' });
		const data = await loadForm(p.prefill);
		expect(data.values).toMatchObject({ boards: '4', hours: '1.5', rehung: 'no' });
		expect(data.values).toMatchObject({ trend: '', kinds: ['supervision', 'inspection'] });
		expect(Object.keys(data.savedAnswers)).not.toContain('kinds');
	});

	it('submits the shown answers of the sections never saved, and never fills in one that does not carry', async () => {
		const refused = await snapshot(p.prefill);
		const f = failure(
			await act('submit', p.prefill, {
				version: versionField(refused.submission!.version),
				clientToken: 'prefill'
			}),
			400
		);
		expect(f.form.errors).toEqual({ trend: ['此题必答。'] });
		expect(await snapshot(p.prefill)).toEqual(refused);
		// The feeling alone, saved on its own (as a phone's queued save can); its section's choices
		// stay as shown, carried from last round.
		const saved = await saveAnswers(db, p.prefill.staff.id, {
			roundId: round,
			pointId: p.prefill.id,
			expectedVersion: refused.submission!.version,
			itemKeys: ['trend'],
			raw: { trend: 'lighter' },
			notes: {}
		});
		expect(
			await done('submit', p.prefill, { version: versionField(saved.version), clientToken: 'prefill' })
		).toBe('?section=review');
		const row = (await submissionRow(p.prefill))!;
		expect(row.status).toBe('submitted');
		expect(valuesOf(await storedAnswers(p.prefill))).toMatchObject({
			boards: 4,
			hours: 1.5,
			rehung: false,
			trend: 'lighter',
			kinds: ['supervision', 'inspection']
		});
		const stored = valuesOf(await storedAnswers(p.prefill));
		expect(stored.visited_on ?? null).toBeNull();
		expect(stored.remark ?? null).toBeNull();
		// The carried answers are audited like any other change.
		const changes = (await auditRows(db, { action: 'submission.answers', entityId: row.id })).map(changesOf);
		expect(changes.at(-1)).toEqual({ kinds: [null, ['supervision', 'inspection']] });
	});

	it('lets an answer that had a value last round be cleared, and submits it blank', async () => {
		expect((await loadForm(p.cleared)).values.kinds).toEqual(['supervision', 'inspection']);
		await saveSection(p.cleared, 1, { 'a.trend': 'same', 'a.kinds': [] });
		expect((await loadForm(p.cleared)).values.kinds).toBe('');

		const version = await currentVersion(p.cleared);
		await done('submit', p.cleared, { version: versionField(version), clientToken: 'cleared' });
		const stored = valuesOf(await storedAnswers(p.cleared));
		expect(stored.kinds ?? null).toBeNull();
		expect(stored.boards).toBe(3);
	});
});

describe('the audit trail of answers', () => {
	it('records the first save with the creation of the draft', async () => {
		await saveSection(p.audit, 0, { 'a.boards': '3', 'a.hours': '2' });
		const row = (await submissionRow(p.audit))!;
		expect(await auditRows(db, { action: 'submission.create', entityId: row.id })).toHaveLength(1);
		const [answers] = await auditRows(db, { action: 'submission.answers', entityId: row.id });
		expect(answers.user_id).toBe(p.audit.staff.id);
		expect(changesOf(answers)).toEqual({ boards: [null, 3], hours: [null, 2], rehung: [null, false] });
	});

	it('records each later change as {key: [from, to]}, and only what changed', async () => {
		await saveSection(p.audit, 0, { 'a.boards': '5', 'a.hours': '2' });
		const row = (await submissionRow(p.audit))!;
		const rows = await auditRows(db, { action: 'submission.answers', entityId: row.id });
		expect(rows).toHaveLength(2);
		expect(changesOf(rows[1])).toEqual({ boards: [3, 5] });
	});

	it('writes no answer record for a save that changes nothing', async () => {
		const row = (await submissionRow(p.audit))!;
		const before = await auditRows(db, { entityType: 'submission', entityId: row.id });
		await saveSection(p.audit, 0, { 'a.boards': '5', 'a.hours': '2' });
		expect(await auditRows(db, { entityType: 'submission', entityId: row.id })).toEqual(before);
	});

	it('records the submit with the state change', async () => {
		for (const section of [1, 2]) await saveSection(p.audit, section);
		const version = await currentVersion(p.audit);
		await done('submit', p.audit, { version: versionField(version), clientToken: 'audit' });
		const row = (await submissionRow(p.audit))!;
		const [sent] = await auditRows(db, { action: 'submission.submit', entityId: row.id });
		expect(changesOf(sent)).toMatchObject({ status: ['draft', 'submitted'] });
		expect(sent.user_id).toBe(p.audit.staff.id);
	});
});

describe('a submission after the due date', () => {
	let march: number;
	const answers: Answers = { boards: 2, rehung: false, trend: 'lighter' };

	beforeAll(async () => {
		const { versionId } = await newTemplate(db, everyKindDefinition, '月度清单');
		march = await newRound(db, versionId, {
			name: '2026年3月',
			periodKind: 'month',
			period: '2026-03',
			opensOn: '2026-03-01',
			dueOn: '2026-03-31'
		});
	});

	it('is on time at 23:59 China time on the due day', async () => {
		const id = await newSubmission(db, march, p.onTime.id, answers, {
			until: 'submitted',
			at: new Date('2026-03-31T15:59:00Z')
		});
		const row = (await submissionRow(p.onTime, march))!;
		expect(row).toMatchObject({ id, status: 'submitted', late: 0, submitted_at: '2026-03-31T15:59:00.000Z' });
	});

	it('is accepted but marked late a minute after midnight China time', async () => {
		const id = await newSubmission(db, march, p.late.id, answers, {
			until: 'submitted',
			at: new Date('2026-03-31T16:01:00Z')
		});
		expect((await submissionRow(p.late, march))!).toMatchObject({ status: 'submitted', late: 1 });
		const [sent] = await auditRows(db, { action: 'submission.submit', entityId: id });
		expect(changesOf(sent)).toEqual({ status: ['draft', 'submitted'], late: true });
		await expect(acceptSubmission(db, reviewer.id, id)).resolves.toBeUndefined();
	});

	it('shows as late to the staff member and in the round’s list', async () => {
		const data = await loadForm(p.late, { roundId: march });
		expect(data.submission?.late).toBe(true);
		const targets = await listTargets(db, march, tree.township);
		expect(targets.find((t) => t.pointId === p.late.id)).toMatchObject({ late: true, state: 'accepted' });
		expect(targets.find((t) => t.pointId === p.onTime.id)).toMatchObject({ late: false, state: 'submitted' });
	});

	it('keeps the late mark on a repeated submit', async () => {
		const outcome = await submit(db, p.late.staff.id, {
			roundId: march,
			pointId: p.late.id,
			expectedVersion: null,
			clientToken: 'again',
			at: new Date('2026-03-01T00:00:00Z')
		});
		expect(outcome).toMatchObject({ already: true, late: true });
	});
});

describe('lateness after a return', () => {
	it('stays as the first submission set it when a returned checklist is corrected after the due date', async () => {
		const { id: pointId } = await newPoint(db, await newRegion(db, `${tree.township}150`, '复核村委会'));
		const { versionId } = await newTemplate(db, everyKindDefinition, '退回后逾期');
		const roundId = await newRound(db, versionId, { name: '退回后逾期', dueOn: '2026-04-10' });
		const id = await newSubmission(
			db,
			roundId,
			pointId,
			{ boards: 3, rehung: false, trend: 'same' },
			{ until: 'submitted', at: new Date('2026-04-09T02:00:00Z') }
		);
		await expect(returnSubmission(db, null, id, '请核实')).resolves.toBeUndefined();
		const row = await db.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
		const saved = await saveAnswers(db, null, {
			roundId,
			pointId,
			expectedVersion: row.version,
			itemKeys: ['boards'],
			raw: { boards: '4' },
			notes: {}
		});
		const resent = await submit(db, null, {
			roundId,
			pointId,
			expectedVersion: saved.version,
			clientToken: 'again',
			at: new Date('2026-04-20T02:00:00Z')
		});
		expect(resent).toMatchObject({ late: false });
		const after = await db
			.selectFrom('submissions')
			.selectAll()
			.where('id', '=', id)
			.executeTakeFirstOrThrow();
		expect(after.late).toBe(0);
		expect(after.submitted_at).toBe('2026-04-09T02:00:00.000Z');
		await expect(acceptSubmission(db, null, id)).resolves.toBeUndefined();
	});
});

describe('who may fill the form', () => {
	it('answers 404 to the staff of another point, on the page and every action', async () => {
		const other = { user: p.fresh.staff };
		const is404 = (e: unknown) => isHttpError(e, 404);
		const before = await snapshot(p.draft);
		expect(is404(await thrownBy(() => loadForm(p.draft, other)))).toBe(true);
		expect(is404(await thrownBy(() => callLoad(samePage.load, formEvent(p.draft, other))))).toBe(true);
		for (const name of ['save', 'sameSection', 'sameAll', 'submit'] as const) {
			const e = await thrownBy(() => act(name, p.draft, sectionForm(0, before.submission?.version), other));
			expect(is404(e), name).toBe(true);
		}
		expect(await snapshot(p.draft)).toEqual(before);
	});

	it('answers 404 to the reviewer, who reviews but does not fill', async () => {
		const e = await thrownBy(() => loadForm(p.draft, { user: reviewer }));
		expect(isHttpError(e, 404)).toBe(true);
	});

	it('answers 404 for a round that does not ask the point', async () => {
		const { versionId } = await newTemplate(db, everyKindDefinition, '别处的清单');
		const elsewhere = await newRound(db, versionId, { targetRegion: tree.otherCounty });
		const e = await thrownBy(() => loadForm(p.draft, { roundId: elsewhere }));
		expect(isHttpError(e, 404)).toBe(true);
	});

	it('shows a closed round locked and refuses saves with the closed message', async () => {
		const data = await loadForm(p.prefill, { roundId: lastRound });
		expect(data.locked).toBe(true);
		const f = failure(
			await act('save', p.fresh, sectionForm(0, null), { roundId: lastRound, user: p.fresh.staff }),
			409
		);
		expect(f.form.errors._errors).toEqual(['本轮填报已结束。']);
		expect(await submissionRow(p.fresh, lastRound)).toBeUndefined();
	});
});
