// The text rule through the real form actions (issue 11): a NUL, a C1 character or a
// 10,000-character value gets the field's message and a 400, and nothing is stored; text that
// passes is stored NFC, trimmed, with line breaks only where the field is multi-line.
import { isRedirect, type ActionFailure } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import * as cataloguesPage from '../../src/routes/(app)/admin/catalogues/+page.server';
import * as adminPoint from '../../src/routes/(app)/admin/points/[id=id]/+page.server';
import * as adminUser from '../../src/routes/(app)/admin/users/[id=id]/+page.server';
import * as adminUsers from '../../src/routes/(app)/admin/users/+page.server';
import * as registersPage from '../../src/routes/(app)/points/[id=id]/registers/+page.server';
import * as formPage from '../../src/routes/(app)/points/[id=id]/rounds/[round=id]/+page.server';
import * as reviewPage from '../../src/routes/(app)/submissions/[id=id]/+page.server';
import { callAction, makeEvent, thrownBy, useLocale } from '../helpers/event';
import { countRows, everyKindDefinition } from '../helpers/factories';
import { registerSnapshot } from '../helpers/registers';
import { KEPT_CATEGORY, quarter, sent, useScenario } from '../helpers/scenario';

useLocale('zh');

const BAD = '含有无法保存的控制字符。';
const HUGE = '字'.repeat(10_000);
const tooLong = (max: number) => `不能超过 ${max} 个字符。`;

// Each test gets its own database: some store what passes, which others must not find.
const s = useScenario(
	{
		points: { own: 'village', reviewed: 'community' },
		users: {
			admin: 'admin',
			staff: ['staff', 'village'],
			reviewer: ['reviewer', 'county'],
			target: ['analyst', 'city']
		},
		categories: { kept: KEPT_CATEGORY },
		definition: everyKindDefinition,
		quarters: [quarter('2026-Q1')],
		// The reviewed point's answers wait for review.
		answers: (point) =>
			point === 'reviewed'
				? sent(
						{
							boards: 3,
							hours: 2,
							rehung: false,
							trend: 'same',
							kinds: null,
							visited_on: null,
							remark: null,
							story: null
						},
						{ until: 'submitted' }
					)
				: null
	},
	{ fresh: 'each' }
);
const { tree, points, users: u, categories } = s;

type SuperFailure<K extends string> = ActionFailure<
	Record<K, { valid: boolean; errors: Record<string, string[] | undefined> }>
>;

async function redirected(run: () => unknown): Promise<string> {
	const e = await thrownBy(run);
	if (!isRedirect(e)) throw new Error(`expected a redirect, got ${JSON.stringify(e)}`);
	return e.location;
}

// Each bad value, and the message its field must answer with. (A lone surrogate cannot arrive in a
// request body: UTF-8 encoding turns it into U+FFFD. The unit tests cover it.)
const badValues = (max: number) => [
	{ what: 'a NUL', value: '王\u0000小明', message: BAD },
	{ what: 'a C1 control character', value: '王\u0085小明', message: BAD },
	{ what: '10,000 characters', value: HUGE, message: tooLong(max) }
];

describe("a user's display name", () => {
	const createUser = (displayName: string, username: string) =>
		callAction(
			adminUsers.actions.create,
			makeEvent({
				user: u.admin,
				form: { username, displayName, role: 'reviewer', scopeCode: tree.county }
			})
		);

	for (const c of badValues(100)) {
		it(`refuses ${c.what} when an admin creates a user, storing nothing`, async () => {
			const before = await countRows(s.db, 'users');
			const r = (await createUser(c.value, 'text.rule')) as SuperFailure<'form'>;
			expect(r.status).toBe(400);
			expect(r.data.form.errors.displayName?.[0]).toBe(c.message);
			expect(await countRows(s.db, 'users')).toBe(before);
		});

		it(`refuses ${c.what} when an admin edits a user, changing nothing`, async () => {
			const r = (await callAction(
				adminUser.actions.save,
				makeEvent({
					user: u.admin,
					params: { id: String(u.target.id) },
					form: { displayName: c.value, role: 'analyst', scopeCode: tree.city }
				})
			)) as SuperFailure<'form'>;
			expect(r.status).toBe(400);
			expect(r.data.form.errors.displayName?.[0]).toBe(c.message);
			const row = await s.db
				.selectFrom('users')
				.select('display_name')
				.where('id', '=', u.target.id)
				.executeTakeFirstOrThrow();
			expect(row.display_name).toBe(u.target.name);
		});
	}

	it('stores a decomposed name composed (NFC) and trimmed', async () => {
		const r = (await createUser('  Rene\u0301e 王  ', 'renee')) as { status?: number };
		expect(r.status).toBeUndefined();
		const row = await s.db
			.selectFrom('users')
			.select('display_name')
			.where('username', '=', 'renee')
			.executeTakeFirstOrThrow();
		expect(row.display_name).toBe('Ren\u00e9e 王');
	});
});

describe("a point's contact name", () => {
	for (const c of badValues(100)) {
		it(`refuses ${c.what}, changing nothing`, async () => {
			const r = (await callAction(
				adminPoint.actions.save,
				makeEvent({
					user: u.admin,
					params: { id: String(points.own.id) },
					form: { type: 'village', contactName: c.value, contactPhone: '' }
				})
			)) as SuperFailure<'form'>;
			expect(r.status).toBe(400);
			expect(r.data.form.errors.contactName?.[0]).toBe(c.message);
			const row = await s.db
				.selectFrom('points')
				.select('contact_name')
				.where('id', '=', points.own.id)
				.executeTakeFirstOrThrow();
			expect(row.contact_name).toBeNull();
		});
	}

	it('refuses a newline in the one-line contact name', async () => {
		const r = (await callAction(
			adminPoint.actions.save,
			makeEvent({
				user: u.admin,
				params: { id: String(points.own.id) },
				form: { type: 'village', contactName: '王\n小明', contactPhone: '' }
			})
		)) as SuperFailure<'form'>;
		expect(r.status).toBe(400);
		expect(r.data.form.errors.contactName?.[0]).toBe(BAD);
	});
});

describe("a signboard's text", () => {
	type Failure = SuperFailure<'form'>;
	const addPlate = (fields: Record<string, string>) =>
		callAction(
			registersPage.actions.addPlate,
			makeEvent({
				user: u.staff,
				params: { id: String(points.own.id) },
				url: `/points/${points.own.id}/registers`,
				form: { categoryId: String(categories.kept), placement: '', hungOn: '2026-01-05', ...fields }
			})
		);

	for (const c of badValues(200)) {
		it(`refuses ${c.what}, writing nothing`, async () => {
			const before = await registerSnapshot(s.db);
			const r = (await addPlate({ text: c.value })) as Failure;
			expect(r.status).toBe(400);
			expect(r.data.form.errors.text?.[0]).toBe(c.message);
			expect(await registerSnapshot(s.db)).toEqual(before);
		});
	}

	it('refuses a NUL in the department and the note too', async () => {
		const before = await registerSnapshot(s.db);
		const r = (await addPlate({
			text: '党群服务中心',
			department: '县\u0000民政局',
			note: '说明\u0000'
		})) as Failure;
		expect(r.status).toBe(400);
		expect(r.data.form.errors).toMatchObject({ department: [BAD], note: [BAD] });
		expect(await registerSnapshot(s.db)).toEqual(before);
	});

	it('keeps line breaks in the multi-line text, as LF, composed and trimmed', async () => {
		await redirected(() => addPlate({ text: ' 党群服务中心\r\nCafe\u0301 ' }));
		const plate = await s.db
			.selectFrom('signboards')
			.select('text')
			.where('point_id', '=', points.own.id)
			.orderBy('id', 'desc')
			.executeTakeFirstOrThrow();
		expect(plate.text).toBe('党群服务中心\nCaf\u00e9');
	});
});

describe("a signboard category's name", () => {
	const categoryCount = async () =>
		(
			await s.db
				.selectFrom('signboard_categories')
				.select((eb) => eb.fn.countAll<number>().as('n'))
				.executeTakeFirstOrThrow()
		).n;
	for (const c of badValues(200)) {
		it(`refuses ${c.what}, adding nothing`, async () => {
			const before = await categoryCount();
			const r = (await callAction(
				cataloguesPage.actions.addSignboard,
				makeEvent({
					user: u.admin,
					url: '/admin/catalogues?/addSignboard',
					form: { name: c.value, status: 'kept', placement: 'interior', note: '' }
				})
			)) as SuperFailure<'signboardForm'>;
			expect(r.status).toBe(400);
			expect(r.data.signboardForm.errors.name?.[0]).toBe(c.message);
			expect(await categoryCount()).toBe(before);
		});
	}
});

describe("a reviewer's reason for returning a submission", () => {
	const returned = (reason: string) =>
		callAction(
			reviewPage.actions.return,
			makeEvent({
				user: u.reviewer,
				params: { id: String(s.submissions.reviewed[0]) },
				url: `/submissions/${s.submissions.reviewed[0]}`,
				form: { reason }
			})
		) as Promise<ActionFailure<{ form: { errors: { reason?: string[] } } }>>;

	for (const c of [
		{ what: 'a NUL', value: '请补充\u0000材料', message: BAD },
		{ what: '10,000 characters', value: HUGE, message: tooLong(500) }
	]) {
		it(`refuses ${c.what}, leaving the submission as it was`, async () => {
			const r = await returned(c.value);
			expect(r.status).toBe(400);
			expect(r.data.form.errors.reason?.[0]).toBe(c.message);
			const row = await s.db
				.selectFrom('submissions')
				.select(['status', 'review_note'])
				.where('id', '=', s.submissions.reviewed[0]!)
				.executeTakeFirstOrThrow();
			expect(row).toEqual({ status: 'submitted', review_note: null });
		});
	}
});

describe('checklist answers and notes', () => {
	const save = (fields: Record<string, string>) =>
		callAction(
			formPage.actions.save,
			makeEvent({
				user: u.staff,
				params: { id: String(points.own.id), round: String(s.rounds[0]) },
				url: `/points/${points.own.id}/rounds/${s.rounds[0]}`,
				form: { version: '', ...fields }
			})
		) as Promise<ActionFailure<{ form: { errors: Record<string, string[]> } }>>;
	const stored = () =>
		s.db
			.selectFrom('submissions')
			.select('id')
			.where('point_id', '=', points.own.id)
			.where('round_id', '=', s.rounds[0])
			.executeTakeFirst();

	it('refuses a NUL in a long answer and a newline in a short one, storing nothing', async () => {
		const r = await save({ section: '2', 'a.remark': '第一行\n第二行', 'a.story': '负担\u0000很重' });
		expect(r.status).toBe(400);
		expect(r.data.form.errors).toEqual({ remark: [BAD], story: [BAD] });
		expect(await stored()).toBeUndefined();
	});

	it('refuses a NUL in an out-of-line reason, storing nothing', async () => {
		const r = await save({ section: '0', 'a.boards': '3', 'a.rehung': 'no', 'n.boards': '新增\u0000' });
		expect(r.status).toBe(400);
		expect(r.data.form.errors).toEqual({ boards: [BAD] });
		expect(await stored()).toBeUndefined();
	});

	it('keeps line breaks in a long answer, composed', async () => {
		await redirected(() => save({ section: '2', 'a.story': ' 第一行\r\nCafe\u0301 ' }));
		const row = await s.db
			.selectFrom('answers')
			.innerJoin('submissions', 'submissions.id', 'answers.submission_id')
			.select('answers.value')
			.where('submissions.point_id', '=', points.own.id)
			.where('answers.item_key', '=', 'story')
			.executeTakeFirstOrThrow();
		expect(JSON.parse(row.value as string)).toBe('第一行\nCaf\u00e9');
	});
});
