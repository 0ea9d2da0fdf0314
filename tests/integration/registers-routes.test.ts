// The register pages through their real load functions and form actions: the point's own staff
// keep the registers, readers above see them, everyone else gets a 404, and the cross-point list
// filters within the reader's subtree.
import { isHttpError, isRedirect, type ActionFailure } from '@sveltejs/kit';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PublicUser } from '../../src/lib/domain/roles';
import { addSecondment } from '../../src/lib/server/registers/secondments.service';
import { addSignboard } from '../../src/lib/server/registers/signboards.service';
import { recordCertificateCount } from '../../src/lib/server/registers/certificates.service';
import * as registersPage from '../../src/routes/(app)/points/[id=id]/registers/+page.server';
import * as timelinePage from '../../src/routes/(app)/points/[id=id]/registers/timeline/+page.server';
import * as listPage from '../../src/routes/(app)/registers/+page.server';
import { callAction, callLoad, makeEvent, thrownBy, useLocale } from '../helpers/event';
import {
	auditRows,
	newPoint,
	newRegionTree,
	newUser,
	type PointRef,
	type RegionTree
} from '../helpers/factories';
import { jpegWithExif } from '../helpers/images';
import { newCertificateItem, registerSnapshot } from '../helpers/registers';
import { KEPT_CATEGORY, useScenario } from '../helpers/scenario';

useLocale('zh');

// Each test gets its own database and photo folder, and replays whatever history it reads.
const scenario = useScenario(
	{
		points: { own: 'village', neighbour: 'community', otherCounty: 'otherVillage' },
		users: {
			staff: ['staff', 'village'],
			neighbourStaff: ['staff', 'community'],
			reviewer: ['reviewer', 'county'],
			farReviewer: ['reviewer', 'otherCounty'],
			analyst: ['analyst', 'city'],
			admin: 'admin'
		},
		categories: {
			kept: KEPT_CATEGORY,
			cancelled: { name: '创建工作领导小组', status: 'cancelled', placement: 'interior' }
		},
		tempDirs: { PHOTO_DIR: 'jfgc-register-photos-' }
	},
	{ fresh: 'each' }
);
const { tree, points, users: u, categories: cat } = scenario;
const item = {} as Record<'retained' | 'cancelled', number>;
beforeEach(async () => {
	item.retained = await newCertificateItem(scenario.db, { name: '低保申请证明', status: 'retained' });
	item.cancelled = await newCertificateItem(scenario.db, { name: '无犯罪记录证明', status: 'cancelled' });
});

const pageEvent = (user: PublicUser, point: PointRef, query = '', form?: FormData | Record<string, string>) =>
	makeEvent({
		user,
		params: { id: String(point.id) },
		url: `/points/${point.id}/registers${query}`,
		form
	});

type Action = keyof typeof registersPage.actions;
const act = (name: Action, user: PublicUser, form: FormData | Record<string, string>, point = points.own) =>
	callAction(registersPage.actions[name], pageEvent(user, point, '', form));

async function redirected(run: () => unknown): Promise<string> {
	const e = await thrownBy(run);
	if (!isRedirect(e)) throw new Error(`expected a redirect, got ${JSON.stringify(e)}`);
	return e.location;
}

/** A refused form: which form it was (and the row, in its data), what was sent, the messages. */
type Failure = ActionFailure<{
	form: {
		id: string;
		valid: boolean;
		data: Record<string, unknown>;
		errors: Record<string, string[] | undefined>;
	};
}>;
const failed = (r: unknown) => r as Failure;

async function platesOf(pointId: number) {
	return scenario.db
		.selectFrom('signboards')
		.selectAll()
		.where('point_id', '=', pointId)
		.orderBy('id')
		.execute();
}

// The staff member's register forms, as the tests below send them.
const addCancelledPlate = () =>
	act('addPlate', u.staff, {
		text: '创建工作领导小组办公室',
		categoryId: String(cat.cancelled),
		placement: '',
		department: '县文明办',
		hungOn: '2026-01-05'
	});
function removalWithPhoto(plateId: number): FormData {
	const form = new FormData();
	form.set('id', String(plateId));
	form.set('removedOn', '2026-03-01');
	form.set('note', '已按要求摘除');
	form.set('photo', new File([new Uint8Array(jpegWithExif())], 'IMG_0001.jpg', { type: 'image/jpeg' }));
	return form;
}
const addKeptPlate = () =>
	addSignboard(scenario.db, u.staff.id, points.own.id, {
		text: '党群服务中心',
		categoryId: cat.kept,
		placement: null,
		department: null,
		hungOn: '2026-01-01'
	});
function removalWithoutPhoto(plateId: number): FormData {
	const form = new FormData();
	form.set('id', String(plateId));
	form.set('removedOn', '2026-03-02');
	form.set('photo', new File([], '', { type: 'application/octet-stream' }));
	return form;
}
const rehang = (plateId: number) =>
	act('rehangPlate', u.staff, { id: String(plateId), hungOn: '2026-04-01', note: '检查后又挂上' });
const stopCancelledItem = () =>
	act('setCertificate', u.staff, { itemId: String(item.cancelled), status: 'stopped', since: '2026-02-01' });
const countCancelledItem = () =>
	act('countCertificate', u.staff, {
		itemId: String(item.cancelled),
		periodKind: 'quarter',
		period: '2026-Q1',
		issued: '2'
	});
const secondment = {
	personName: '李娜',
	post: '文书',
	borrowingUnit: '县住建局',
	startDate: '2026-03-01',
	expectedEnd: '2026-04-30'
};
const approved = { ...secondment, approved: 'on', approvalRef: '兴庆借〔2026〕3号' };
const returned = (id: number) =>
	act('returnSecondment', u.staff, { id: String(id), returnDate: '2026-05-10' });
const addNeighbourPlate = () =>
	addSignboard(scenario.db, u.neighbourStaff.id, points.neighbour.id, {
		text: '邻村的牌子',
		categoryId: cat.kept,
		placement: null,
		department: null,
		hungOn: '2026-01-01'
	});

/**
 * The own point's registers as the staff member's tests below leave them, replayed through the
 * same forms: the cancelled-category plate added and removed with a photo, the kept one removed
 * and hung again, the cancelled certificate stopped and counted, a secondment approved and returned.
 */
async function keptRegisters(): Promise<void> {
	await redirected(addCancelledPlate);
	const [cancelled] = await platesOf(points.own.id);
	await redirected(() => act('removePlate', u.staff, removalWithPhoto(cancelled.id)));
	const kept = await addKeptPlate();
	await redirected(() => act('removePlate', u.staff, removalWithoutPhoto(kept.id)));
	await redirected(() => rehang(kept.id));
	await redirected(stopCancelledItem);
	await redirected(countCancelledItem);
	await redirected(() => act('addSecondment', u.staff, secondment));
	const { id } = await scenario.db
		.selectFrom('secondments')
		.select('id')
		.where('point_id', '=', points.own.id)
		.executeTakeFirstOrThrow();
	await redirected(() => act('editSecondment', u.staff, { id: String(id), ...approved }));
	await redirected(() => returned(id));
}

describe("the point's registers page", () => {
	it('lets the staff member read and keep their own registers', async () => {
		const data = await callLoad(registersPage.load, pageEvent(u.staff, points.own));
		expect(data.canEdit).toBe(true);
		expect(data.tab).toBe('signboards');
		// Active categories only, in the catalogue's order: cancelled ones, then kept ones.
		expect(data.categories.map((c) => c.name)).toEqual(['创建工作领导小组', '党群服务中心']);
	});

	it('adds a plate through the form and returns to the tab, with an audit row', async () => {
		const location = await redirected(addCancelledPlate);
		expect(location).toBe(`/points/${points.own.id}/registers?tab=signboards&done=addPlate`);
		const [plate] = await platesOf(points.own.id);
		expect(plate).toMatchObject({ text: '创建工作领导小组办公室', placement: 'interior', state: 'hung' });
		expect(await auditRows(scenario.db, { action: 'signboard.add', entityId: plate.id })).toHaveLength(1);
		const data = await callLoad(registersPage.load, pageEvent(u.staff, points.own, '?done=addPlate'));
		expect(data.done).toBe(true);
		expect(data.counts).toMatchObject({ hung: 1, interior: 1, rebound: 1 });
		expect(data.signboards[0].rebound).toBe(true);
	});

	it('sends a refused plate back with messages in Chinese and the values typed, writing nothing', async () => {
		const before = await registerSnapshot(scenario.db);
		const r = failed(
			await act('addPlate', u.staff, {
				text: '',
				categoryId: '',
				hungOn: '2099-01-01',
				department: '县民政局'
			})
		);
		expect(r.status).toBe(400);
		expect(r.data.form.id).toBe('addPlate');
		expect(r.data.form.errors.text?.[0]).toBe('此项必填。');
		expect(r.data.form.errors.categoryId?.[0]).toBe('请选择一项。');
		expect(r.data.form.data.department).toBe('县民政局');
		const future = failed(
			await act('addPlate', u.staff, { text: '某牌子', categoryId: String(cat.kept), hungOn: '2099-01-01' })
		);
		expect(future.data.form.errors.hungOn?.[0]).toBe('日期不能晚于今天。');
		expect(await registerSnapshot(scenario.db)).toEqual(before);
	});

	it('removes a plate with an evidence photo that the page then shows', async () => {
		await redirected(addCancelledPlate);
		const [plate] = await platesOf(points.own.id);
		await redirected(() => act('removePlate', u.staff, removalWithPhoto(plate.id)));
		const event = await scenario.db
			.selectFrom('signboard_events')
			.selectAll()
			.where('signboard_id', '=', plate.id)
			.where('kind', '=', 'removed')
			.executeTakeFirstOrThrow();
		expect(event.photo_id).not.toBeNull();
		const photo = await scenario.db
			.selectFrom('photos')
			.selectAll()
			.where('id', '=', event.photo_id!)
			.executeTakeFirstOrThrow();
		expect(photo.point_id).toBe(points.own.id);
		const data = await callLoad(registersPage.load, pageEvent(u.staff, points.own));
		expect(data.signboards[0]).toMatchObject({ state: 'removed', reduction: true });
		expect(data.signboards[0].events.at(-1)?.photoId).toBe(event.photo_id);
	});

	it('refuses a removal whose photo is not an image, writing nothing', async () => {
		await addKeptPlate();
		const plate = (await platesOf(points.own.id)).at(-1)!;
		const before = await registerSnapshot(scenario.db);
		const form = new FormData();
		form.set('id', String(plate.id));
		form.set('removedOn', '2026-03-01');
		form.set('photo', new File(['not a picture'], 'notes.txt', { type: 'text/plain' }));
		const r = failed(await act('removePlate', u.staff, form));
		expect(r.status).toBe(400);
		expect(r.data.form.id).toBe('removePlate');
		expect(r.data.form.data.id).toBe(plate.id);
		expect(r.data.form.errors.photo?.[0]).toBeTruthy();
		expect(await registerSnapshot(scenario.db)).toEqual(before);
	});

	it('puts a refused removal date next to the date field, keeping the note typed', async () => {
		await addKeptPlate();
		const plate = (await platesOf(points.own.id)).at(-1)!;
		const before = await registerSnapshot(scenario.db);
		const r = failed(
			await act('removePlate', u.staff, { id: String(plate.id), removedOn: '2099-01-01', note: '已摘除' })
		);
		expect(r.status).toBe(400);
		expect(r.data.form.errors.removedOn?.[0]).toBe('日期不能晚于今天。');
		expect(r.data.form.data).toMatchObject({ id: plate.id, removedOn: '2099-01-01', note: '已摘除' });
		expect(await registerSnapshot(scenario.db)).toEqual(before);
	});

	it('takes a removal without a photo when the file input is left empty', async () => {
		await addKeptPlate();
		const plate = (await platesOf(points.own.id)).at(-1)!;
		await redirected(() => act('removePlate', u.staff, removalWithoutPhoto(plate.id)));
		await redirected(() => rehang(plate.id));
		const data = await callLoad(registersPage.load, pageEvent(u.staff, points.own));
		const board = data.signboards.find((b) => b.id === plate.id)!;
		// A kept-category plate hung again is simply up again, not a rebound.
		expect(board).toMatchObject({ displayState: 'rehung', rebound: false });
		expect(board.events.at(-1)?.photoId).toBeNull();
	});

	it('records certificate status and counts, and flags issuing a cancelled item', async () => {
		await redirected(stopCancelledItem);
		await redirected(countCancelledItem);
		const bad = failed(
			await act('countCertificate', u.staff, {
				itemId: String(item.retained),
				periodKind: 'month',
				period: '2026-13',
				issued: 'x'
			})
		);
		expect(bad.data.form.data.itemId).toBe(item.retained);
		expect(bad.data.form.errors.issued?.[0]).toBe('请填 0 或正整数。');
		const badPeriod = failed(
			await act('countCertificate', u.staff, {
				itemId: String(item.retained),
				periodKind: 'month',
				period: '2026-13',
				issued: '1'
			})
		);
		expect(badPeriod.data.form.errors.period?.[0]).toBe('期间格式不对：季度如 2026-Q1，月度如 2026-03。');
		const data = await callLoad(registersPage.load, pageEvent(u.staff, points.own, '?tab=certificates'));
		expect(data.tab).toBe('certificates');
		expect(data.certificates.find((c) => c.itemId === item.cancelled)).toMatchObject({
			status: 'stopped',
			violation: true
		});
		expect(data.counts.certViolations).toBe(1);
	});

	it('adds, edits and closes a secondment through the forms', async () => {
		const refused = failed(
			await act('addSecondment', u.staff, {
				personName: '李娜',
				borrowingUnit: '县住建局',
				startDate: '2026-03-01',
				approved: 'on',
				approvalRef: ''
			})
		);
		expect(refused.data.form.errors.approvalRef?.[0]).toBe('经过审批的，请填写审批文号。');
		expect(refused.data.form.data.personName).toBe('李娜');
		await redirected(() => act('addSecondment', u.staff, secondment));
		const s = await scenario.db
			.selectFrom('secondments')
			.selectAll()
			.where('point_id', '=', points.own.id)
			.executeTakeFirstOrThrow();
		expect(s).toMatchObject({ approved: 0, approval_ref: null, expected_end: '2026-04-30' });
		let data = await callLoad(
			registersPage.load,
			pageEvent(u.staff, points.own, `?tab=secondments&edit=${s.id}`)
		);
		expect(data.editing?.id).toBe(s.id);
		expect(data.counts).toMatchObject({ active: 1, unapproved: 1, overdue: 1 });
		await redirected(() => act('editSecondment', u.staff, { id: String(s.id), ...approved }));
		await redirected(() => returned(s.id));
		data = await callLoad(registersPage.load, pageEvent(u.staff, points.own, '?tab=secondments'));
		expect(data.secondments[0]).toMatchObject({ state: 'returned', approved: true, violation: false });
		expect(
			(await auditRows(scenario.db, { entityType: 'secondment', entityId: s.id })).map((a) => a.action)
		).toEqual(['secondment.add', 'secondment.update', 'secondment.return']);
	});

	it('shows the timeline to the staff member, newest first', async () => {
		await keptRegisters();
		const data = await callLoad(
			timelinePage.load,
			makeEvent({
				user: u.staff,
				params: { id: String(points.own.id) },
				url: `/points/${points.own.id}/registers/timeline`
			})
		);
		const dates = data.entries.map((e) => e.date);
		expect([...dates].sort().reverse()).toEqual(dates);
		expect(data.entries[0]).toMatchObject({ kind: 'secondment_return', date: '2026-05-10' });
		// The plate hung again here is of a kept category, the cancelled one is down: no rebound.
		expect(data.entries.find((e) => e.kind === 'signboard_rehung')).toMatchObject({ flag: null });
		expect(data.entries.some((e) => e.flag === 'rebound')).toBe(false);
		expect(data.entries.some((e) => e.kind === 'signboard_removed' && e.flag === 'reduction')).toBe(true);
	});
});

describe('who may see and change a point’s registers', () => {
	const every: [Action, Record<string, string>][] = [
		['addPlate', { text: '某牌子', categoryId: '1', hungOn: '2026-01-01' }],
		['removePlate', { id: '1', removedOn: '2026-05-01' }],
		['rehangPlate', { id: '1', hungOn: '2026-05-01' }],
		['setCertificate', { itemId: '1', status: 'stopped', since: '2026-01-01' }],
		['countCertificate', { itemId: '1', periodKind: 'quarter', period: '2026-Q1', issued: '1' }],
		['addSecondment', { personName: '某人', borrowingUnit: '某局', startDate: '2026-01-01' }],
		['editSecondment', { id: '1', personName: '某人', borrowingUnit: '某局', startDate: '2026-01-01' }],
		['returnSecondment', { id: '1', returnDate: '2026-05-01' }]
	];

	it('gives staff of another point a 404 on the page, the timeline and every action, writing nothing', async () => {
		await keptRegisters();
		const before = await registerSnapshot(scenario.db);
		expect(
			isHttpError(
				await thrownBy(() => callLoad(registersPage.load, pageEvent(u.neighbourStaff, points.own))),
				404
			)
		).toBe(true);
		expect(
			isHttpError(
				await thrownBy(() =>
					callLoad(
						timelinePage.load,
						makeEvent({ user: u.neighbourStaff, params: { id: String(points.own.id) } })
					)
				),
				404
			)
		).toBe(true);
		for (const [name, form] of every)
			expect(isHttpError(await thrownBy(() => act(name, u.neighbourStaff, form)), 404), name).toBe(true);
		expect(await registerSnapshot(scenario.db)).toEqual(before);
	});

	it('lets reviewers, analysts and admins above the point read it, but not change it', async () => {
		await keptRegisters();
		const before = await registerSnapshot(scenario.db);
		for (const reader of [u.reviewer, u.analyst, u.admin]) {
			const data = await callLoad(registersPage.load, pageEvent(reader, points.own));
			expect(data.canEdit).toBe(false);
			expect(data.signboards.length).toBeGreaterThan(0);
			for (const [name, form] of every)
				expect(
					isHttpError(await thrownBy(() => act(name, reader, form)), 404),
					`${reader.role} ${name}`
				).toBe(true);
		}
		expect(await registerSnapshot(scenario.db)).toEqual(before);
	});

	it('gives a reviewer of another county a 404', async () => {
		expect(
			isHttpError(
				await thrownBy(() => callLoad(registersPage.load, pageEvent(u.farReviewer, points.own))),
				404
			)
		).toBe(true);
	});

	it("answers a plate of another point as not found, even for the point's own staff", async () => {
		const { id } = await addNeighbourPlate();
		expect(
			isHttpError(
				await thrownBy(() => act('removePlate', u.staff, { id: String(id), removedOn: '2026-05-01' })),
				404
			)
		).toBe(true);
	});
});

describe('the registers across a subtree', () => {
	const list = (user: PublicUser, query: string) =>
		callLoad(listPage.load, makeEvent({ user, url: `/registers?${query}` }));

	beforeEach(async () => {
		// What the tests above leave: the own point's registers and the neighbour's plate.
		await keptRegisters();
		await addNeighbourPlate();
		// The other county's point: a cancelled plate still up, an unapproved secondment, a violation.
		await addSignboard(scenario.db, null, points.otherCounty.id, {
			text: '远处的取消牌子',
			categoryId: cat.cancelled,
			placement: null,
			department: null,
			hungOn: '2026-02-01'
		});
		await addSecondment(scenario.db, null, points.otherCounty.id, {
			personName: '远处的人',
			post: null,
			borrowingUnit: '区委办',
			startDate: '2026-01-01',
			expectedEnd: null,
			approved: false,
			approvalRef: null
		});
		await recordCertificateCount(scenario.db, null, points.otherCounty.id, {
			itemId: item.cancelled,
			periodKind: 'month',
			period: '2026-02',
			issued: 4
		});
	});

	it('is for readers only: staff get a 404', async () => {
		expect(isHttpError(await thrownBy(() => list(u.staff, '')), 404)).toBe(true);
	});

	it("shows a reviewer only their county's plates, an analyst the whole city", async () => {
		const mine = await list(u.reviewer, 'kind=signboards');
		const texts = mine.result.rows.map((r) => ('text' in r ? r.text : ''));
		expect(texts).toContain('邻村的牌子');
		expect(texts).not.toContain('远处的取消牌子');
		const city = await list(u.analyst, 'kind=signboards');
		expect(city.result.rows.map((r) => ('text' in r ? r.text : ''))).toContain('远处的取消牌子');
	});

	it('filters plates by status, category, date and region', async () => {
		const rebound = await list(u.analyst, 'kind=signboards&status=rebound');
		// The kept 党群服务中心 hung again is no rebound; the cancelled plate still up is one.
		expect(rebound.result.rows.map((r) => ('text' in r ? r.text : ''))).toEqual(['远处的取消牌子']);
		const removed = await list(u.analyst, 'kind=signboards&status=removed');
		expect(removed.result.rows.map((r) => ('text' in r ? r.text : ''))).toEqual(['创建工作领导小组办公室']);
		const cancelled = await list(u.analyst, `kind=signboards&category=${cat.cancelled}`);
		expect(cancelled.result.rows).toHaveLength(2);
		const dated = await list(u.analyst, 'kind=signboards&from=2026-03-01&to=2026-03-31');
		expect(dated.result.rows.map((r) => ('text' in r ? r.text : ''))).toEqual(['创建工作领导小组办公室']);
		const village = await list(u.analyst, `kind=signboards&region=${tree.otherVillage}`);
		expect(village.result.rows.map((r) => ('text' in r ? r.text : ''))).toEqual(['远处的取消牌子']);
	});

	it('answers a region outside the reader’s scope with a 404', async () => {
		expect(isHttpError(await thrownBy(() => list(u.reviewer, `region=${tree.otherCounty}`)), 404)).toBe(true);
		expect(isHttpError(await thrownBy(() => list(u.reviewer, 'region=65')), 404)).toBe(true);
	});

	it('filters secondments by active, returned, unapproved and overdue', async () => {
		const names = async (status: string) =>
			(await list(u.analyst, `kind=secondments&status=${status}`)).result.rows.map((r) =>
				'personName' in r ? r.personName : ''
			);
		expect(await names('active')).toEqual(['远处的人']);
		expect(await names('unapproved')).toEqual(['远处的人']);
		expect(await names('returned')).toEqual(['李娜']);
		expect(await names('overdue')).toEqual([]);
		expect((await list(u.reviewer, 'kind=secondments')).result.rows).toHaveLength(1);
	});

	it('filters certificate counts down to violations', async () => {
		const all = await list(u.analyst, 'kind=certificates');
		expect(all.result.rows).toHaveLength(2);
		const violations = await list(u.reviewer, 'kind=certificates&status=violation');
		expect(violations.result.rows.map((r) => ('issued' in r ? [r.pointName, r.issued] : []))).toEqual([
			['红花村委会', 2]
		]);
		const period = await list(u.analyst, 'kind=certificates&from=2026-02-01&to=2026-02-28');
		expect(period.result.rows).toHaveLength(2);
		const march = await list(u.analyst, 'kind=certificates&from=2026-03-15');
		expect(march.result.rows).toHaveLength(1);
	});

	it('pages 50 rows at a time', async () => {
		for (let i = 0; i < 55; i++)
			await addSignboard(scenario.db, null, points.neighbour.id, {
				text: `批量牌子${i}`,
				categoryId: cat.kept,
				placement: null,
				department: null,
				hungOn: '2026-01-01'
			});
		const first = await list(u.admin, 'kind=signboards');
		expect(first.result.rows).toHaveLength(50);
		expect(first.result.hasMore).toBe(true);
		const second = await list(u.admin, 'kind=signboards&page=2');
		expect(second.result.hasMore).toBe(false);
		expect(second.result.rows.length).toBeGreaterThan(0);
		const ids = new Set(first.result.rows.map((r) => ('id' in r ? r.id : 0)));
		expect(second.result.rows.some((r) => ids.has('id' in r ? r.id : 0))).toBe(false);
	});
});

describe('hanging a removed plate again: a rebound only for a cancelled category', () => {
	let other: RegionTree;
	const at = {} as Record<'kept' | 'cancelled', { point: PointRef; staff: PublicUser }>;
	let reader: PublicUser;

	/** Adds, removes and hangs again one plate of the category through the page's own forms. */
	async function hungAgain(status: 'kept' | 'cancelled') {
		const { point, staff } = at[status];
		await redirected(() =>
			act(
				'addPlate',
				staff,
				{ text: `${status}的牌子`, categoryId: String(cat[status]), hungOn: '2026-01-05' },
				point
			)
		);
		const [plate] = await platesOf(point.id);
		await redirected(() =>
			act('removePlate', staff, { id: String(plate.id), removedOn: '2026-02-01' }, point)
		);
		const down = await callLoad(registersPage.load, pageEvent(staff, point));
		await redirected(() => act('rehangPlate', staff, { id: String(plate.id), hungOn: '2026-04-01' }, point));
		const page = await callLoad(registersPage.load, pageEvent(staff, point));
		const timeline = await callLoad(
			timelinePage.load,
			makeEvent({
				user: staff,
				params: { id: String(point.id) },
				url: `/points/${point.id}/registers/timeline`
			})
		);
		const listed = (query: string) =>
			callLoad(
				listPage.load,
				makeEvent({ user: reader, url: `/registers?kind=signboards&region=${point.regionCode}${query}` })
			);
		return {
			down: down.signboards[0],
			page,
			timeline,
			all: await listed(''),
			rebounds: await listed('&status=rebound')
		};
	}

	beforeEach(async () => {
		other = await newRegionTree(scenario.db, '65');
		for (const [status, region] of [
			['kept', other.village],
			['cancelled', other.otherVillage]
		] as const)
			at[status] = {
				point: await newPoint(scenario.db, region),
				staff: await newUser(scenario.db, 'staff', region)
			};
		reader = await newUser(scenario.db, 'analyst', other.city);
	});

	it('shows a kept-category plate hung again as hung again: no rebound on the card, count, timeline or list', async () => {
		const r = await hungAgain('kept');
		expect(r.page.signboards[0]).toMatchObject({ state: 'hung', displayState: 'rehung', rebound: false });
		expect(r.page.counts).toMatchObject({ hung: 1, rebound: 0 });
		expect(r.timeline.entries.map((e) => [e.kind, e.flag])).toEqual([
			['signboard_rehung', null],
			['signboard_removed', null],
			['signboard_hung', null]
		]);
		expect(r.all.result.rows).toMatchObject([{ text: 'kept的牌子', rehung: true, rebound: false }]);
		expect(r.rebounds.result.rows).toEqual([]);
	});

	it('shows a cancelled-category plate hung again as a rebound on the card, count, timeline and list', async () => {
		const r = await hungAgain('cancelled');
		expect(r.page.signboards[0]).toMatchObject({ state: 'hung', displayState: 'rebound', rebound: true });
		expect(r.page.counts).toMatchObject({ hung: 1, rebound: 1 });
		expect(r.timeline.entries.map((e) => [e.kind, e.flag])).toEqual([
			['signboard_rehung', 'rebound'],
			['signboard_removed', 'reduction'],
			['signboard_hung', 'rebound']
		]);
		expect(r.all.result.rows).toMatchObject([{ text: 'cancelled的牌子', rehung: true, rebound: true }]);
		expect(r.rebounds.result.rows.map((row) => ('text' in row ? row.text : ''))).toEqual(['cancelled的牌子']);
	});

	it('tells the staff member, before they hang it again, whether that would be a rebound', async () => {
		const seen = { kept: await hungAgain('kept'), cancelled: await hungAgain('cancelled') };
		expect(seen.kept.down).toMatchObject({ state: 'removed', rehangRebounds: false });
		expect(seen.cancelled.down).toMatchObject({ state: 'removed', rehangRebounds: true });
	});
});
