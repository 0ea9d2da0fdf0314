// The three register services on a real database: their rules, refusals that write nothing, an
// audit row for every change, rebound and violation detection, the figures a round reads and the
// point's timeline.
import { beforeEach, describe, expect, it } from 'vitest';
import {
	listPointCertificates,
	recordCertificateCount,
	setCertificateStatus
} from '../../src/lib/server/registers/certificates.service';
import { Refusal } from '../../src/lib/server/refusal';
import {
	pointTimeline,
	registerFigures,
	rehungEvents
} from '../../src/lib/server/registers/registers.queries';
import {
	addSecondment,
	listSecondments,
	recordSecondmentReturn,
	updateSecondment,
	type SecondmentInput
} from '../../src/lib/server/registers/secondments.service';
import {
	addSignboard,
	listSignboards,
	rehangSignboard,
	removeSignboard
} from '../../src/lib/server/registers/signboards.service';
import { auditRows, newPoint, newRegion, type PointRef } from '../helpers/factories';
import { newCertificateItem, refusalOf, registerSnapshot } from '../helpers/registers';
import { KEPT_CATEGORY, useScenario } from '../helpers/scenario';

const TODAY = '2026-06-15';

// Each test gets its own database with the same points, staff member and catalogues. The second
// tree (province 65) is where the round-figure tests put their points.
const scenario = useScenario(
	{
		trees: ['65'],
		points: { point: 'village', other: 'community' },
		users: { staff: ['staff', 'village'] },
		categories: {
			kept: KEPT_CATEGORY,
			cancelled: { name: '创建工作领导小组', status: 'cancelled', placement: 'interior' },
			wall: { name: '村务公开制度', status: 'kept', placement: 'wall' },
			retired: { name: '已停用类别', active: false }
		}
	},
	{ fresh: 'each' }
);
const { points } = scenario;
const cat = scenario.categories;
let db: typeof scenario.db;
let staffId: number;
const item = {} as Record<'retained' | 'cancelled' | 'retired', number>;

beforeEach(async () => {
	db = scenario.db;
	staffId = scenario.users.staff.id;
	item.retained = await newCertificateItem(db, { name: '低保申请证明', status: 'retained' });
	item.cancelled = await newCertificateItem(db, { name: '无犯罪记录证明', status: 'cancelled' });
	item.retired = await newCertificateItem(db, { name: '停用事项', active: false });
});

const plate = (over: Partial<Parameters<typeof addSignboard>[3]> = {}) => ({
	text: '某某工作站',
	categoryId: cat.kept,
	placement: null,
	department: '县民政局',
	hungOn: '2026-01-10',
	...over
});

async function added(pointId: number, over: Partial<Parameters<typeof addSignboard>[3]> = {}) {
	const r = await addSignboard(db, staffId, pointId, plate(over), TODAY);
	return r.id;
}

describe('signboards', () => {
	it('adds a plate as hung, with its first event and the category placement by default', async () => {
		const id = await added(points.point.id, { text: '  创建办公室  ', categoryId: cat.cancelled });
		const board = (await listSignboards(db, points.point.id)).find((b) => b.id === id)!;
		expect(board).toMatchObject({
			text: '创建办公室',
			placement: 'interior',
			state: 'hung',
			categoryStatus: 'cancelled',
			rebound: true,
			displayState: 'hung'
		});
		expect(board.events.map((e) => [e.kind, e.onDate])).toEqual([['hung', '2026-01-10']]);
		const audit = await auditRows(db, { action: 'signboard.add', entityId: id });
		expect(audit).toHaveLength(1);
		expect(audit[0]).toMatchObject({ entity_type: 'signboard', user_id: staffId });
	});

	it('takes a placement given on the form over the category default', async () => {
		const id = await added(points.point.id, { categoryId: cat.kept, placement: 'wall' });
		expect((await listSignboards(db, points.point.id)).find((b) => b.id === id)!.placement).toBe('wall');
	});

	it.each([
		['a blank text', { text: '   ' }, 'text', 'required'],
		['a date in the future', { hungOn: '2026-06-16' }, 'hungOn', 'date_future'],
		['an impossible date', { hungOn: '2026-02-30' }, 'hungOn', 'date_invalid'],
		['an unknown category', { categoryId: 99999 }, 'categoryId', 'unknown_category'],
		['a retired category', { categoryId: -1 }, 'categoryId', 'unknown_category']
	])('refuses %s and writes nothing', async (_what, over, field, problem) => {
		const fixed = 'categoryId' in over && over.categoryId === -1 ? { categoryId: cat.retired } : over;
		const before = await registerSnapshot(db);
		const r = await refusalOf(addSignboard(db, staffId, points.point.id, plate(fixed), TODAY));
		expect(r).toEqual({ [field]: problem });
		expect(await registerSnapshot(db)).toEqual(before);
	});

	it('removes a kept-category plate and hangs it again, no rebound, each with an audit row', async () => {
		const id = await added(points.point.id, { categoryId: cat.kept, hungOn: '2026-01-05' });
		expect(
			await removeSignboard(
				db,
				staffId,
				points.point.id,
				id,
				{ removedOn: '2026-02-01', note: '按清单摘除' },
				TODAY
			)
		).toBeUndefined();
		let board = (await listSignboards(db, points.point.id)).find((b) => b.id === id)!;
		expect(board).toMatchObject({ state: 'removed', displayState: 'removed', rebound: false });

		expect(
			await rehangSignboard(db, staffId, points.point.id, id, { hungOn: '2026-04-01' }, TODAY)
		).toBeUndefined();
		board = (await listSignboards(db, points.point.id)).find((b) => b.id === id)!;
		expect(board).toMatchObject({ state: 'hung', displayState: 'rehung', rebound: false });
		expect(board.events.map((e) => e.kind)).toEqual(['hung', 'removed', 'rehung']);

		const audit = await auditRows(db, { entityType: 'signboard', entityId: id });
		expect(audit.map((a) => a.action)).toEqual(['signboard.add', 'signboard.remove', 'signboard.rehang']);
		expect(JSON.parse(audit[1].changes!)).toMatchObject({
			state: ['hung', 'removed'],
			on_date: '2026-02-01'
		});
	});

	it('counts a cancelled-category plate taken down as a reduction', async () => {
		const id = await added(points.point.id, { categoryId: cat.cancelled, hungOn: '2026-01-05' });
		await removeSignboard(db, staffId, points.point.id, id, { removedOn: '2026-03-01' }, TODAY);
		const board = (await listSignboards(db, points.point.id)).find((b) => b.id === id)!;
		expect(board).toMatchObject({ reduction: true, rebound: false });
	});

	it('refuses an event dated before the previous one, in the future, or in the wrong state, writing nothing', async () => {
		const id = await added(points.point.id, { hungOn: '2026-03-10' });
		const before = await registerSnapshot(db);
		expect(
			await refusalOf(removeSignboard(db, staffId, points.point.id, id, { removedOn: '2026-03-09' }, TODAY))
		).toEqual({ removedOn: 'date_before_previous' });
		expect(
			await refusalOf(removeSignboard(db, staffId, points.point.id, id, { removedOn: '2026-07-01' }, TODAY))
		).toEqual({ removedOn: 'date_future' });
		expect(
			await refusalOf(rehangSignboard(db, staffId, points.point.id, id, { hungOn: '2026-04-01' }, TODAY))
		).toEqual({ hungOn: 'plate_wrong_state' });
		expect(await registerSnapshot(db)).toEqual(before);
	});

	it('does not store the photo of a refused removal', async () => {
		const id = await added(points.point.id, { hungOn: '2026-03-10' });
		let called = false;
		const photo = async () => {
			called = true;
			return 1;
		};
		const r = await refusalOf(
			removeSignboard(db, staffId, points.point.id, id, { removedOn: '2026-03-01', photo }, TODAY)
		);
		expect(r).toEqual({ removedOn: 'date_before_previous' });
		expect(called).toBe(false);
	});

	it('refuses the removal when the photo is refused, and writes no event', async () => {
		const id = await added(points.point.id, { hungOn: '2026-03-10' });
		const before = await registerSnapshot(db);
		const photo = async (): Promise<number> => {
			throw new Refusal({ photo: { code: 'photo_not_image' } });
		};
		expect(
			await refusalOf(
				removeSignboard(db, staffId, points.point.id, id, { removedOn: '2026-03-11', photo }, TODAY)
			)
		).toEqual({ photo: 'photo_not_image' });
		expect(await registerSnapshot(db)).toEqual(before);
	});

	it("treats another point's plate as not found", async () => {
		const id = await added(points.other.id);
		await expect(
			removeSignboard(db, staffId, points.point.id, id, { removedOn: '2026-03-01' }, TODAY)
		).rejects.toMatchObject({ status: 404, problems: { '': { code: 'not_found' } } });
	});
});

describe('certificate items', () => {
	it('records issuing and stopped with a since date, auditing each change once', async () => {
		expect(
			await setCertificateStatus(
				db,
				staffId,
				points.point.id,
				{ itemId: item.retained, status: 'issuing', since: '2025-01-01' },
				TODAY
			)
		).toBeUndefined();
		expect(
			await setCertificateStatus(
				db,
				staffId,
				points.point.id,
				{ itemId: item.cancelled, status: 'stopped', since: '2026-02-01' },
				TODAY
			)
		).toBeUndefined();
		// The same status again changes nothing and leaves no second audit row.
		await setCertificateStatus(
			db,
			staffId,
			points.point.id,
			{ itemId: item.cancelled, status: 'stopped', since: '2026-02-01' },
			TODAY
		);
		const list = await listPointCertificates(db, points.point.id);
		expect(list.find((c) => c.itemId === item.retained)).toMatchObject({
			status: 'issuing',
			since: '2025-01-01'
		});
		expect(list.find((c) => c.itemId === item.cancelled)).toMatchObject({
			status: 'stopped',
			itemStatus: 'cancelled'
		});
		expect(list.some((c) => c.itemId === item.retired)).toBe(false);
		const audit = await auditRows(db, {
			action: 'point_certificate.status',
			entityId: `${points.point.id}:${item.cancelled}`
		});
		expect(audit).toHaveLength(1);
		expect(audit[0].entity_type).toBe('point_certificate');
	});

	it('upserts the count for a period, month or quarter, and flags issuing a cancelled item', async () => {
		expect(
			await recordCertificateCount(
				db,
				staffId,
				points.point.id,
				{ itemId: item.retained, periodKind: 'quarter', period: '2026-Q1', issued: 12 },
				TODAY
			)
		).toEqual({ violation: false });
		expect(
			await recordCertificateCount(
				db,
				staffId,
				points.point.id,
				{ itemId: item.retained, periodKind: 'quarter', period: '2026-Q1', issued: 14 },
				TODAY
			)
		).toEqual({ violation: false });
		expect(
			await recordCertificateCount(
				db,
				staffId,
				points.point.id,
				{ itemId: item.cancelled, periodKind: 'month', period: '2026-02', issued: 2 },
				TODAY
			)
		).toEqual({ violation: true });
		const rows = await db
			.selectFrom('certificate_counts')
			.selectAll()
			.where('point_id', '=', points.point.id)
			.orderBy('period_start')
			.execute();
		expect(rows.map((r) => [r.item_id, r.period_start, r.period_end, r.issued])).toEqual([
			[item.retained, '2026-01-01', '2026-03-31', 14],
			[item.cancelled, '2026-02-01', '2026-02-28', 2]
		]);
		const list = await listPointCertificates(db, points.point.id);
		expect(list.find((c) => c.itemId === item.cancelled)!.violation).toBe(true);
		expect(list.find((c) => c.itemId === item.retained)!.violation).toBe(false);
		expect(await auditRows(db, { action: 'point_certificate.count' })).toHaveLength(3);
	});

	it.each([
		['a bad period', { period: '2026-Q5' }, 'period', 'count_bad_period'],
		['a period not yet begun', { period: '2026-Q3' }, 'period', 'date_future'],
		['a negative count', { issued: -1 }, 'issued', 'count_not_whole_number'],
		['a fractional count', { issued: 1.5 }, 'issued', 'count_not_whole_number'],
		['an unknown item', { itemId: 99999 }, 'itemId', 'unknown_item']
	])('refuses %s and writes nothing', async (_what, over, field, problem) => {
		const before = await registerSnapshot(db);
		const r = await refusalOf(
			recordCertificateCount(
				db,
				staffId,
				points.point.id,
				{ itemId: item.retained, periodKind: 'quarter', period: '2026-Q2', issued: 1, ...over },
				TODAY
			)
		);
		expect(r).toEqual({ [field]: problem });
		expect(await registerSnapshot(db)).toEqual(before);
	});

	it('refuses a future since date or a retired item for the status', async () => {
		const before = await registerSnapshot(db);
		expect(
			await refusalOf(
				setCertificateStatus(
					db,
					staffId,
					points.point.id,
					{ itemId: item.retained, status: 'stopped', since: '2026-06-16' },
					TODAY
				)
			)
		).toEqual({ since: 'date_future' });
		expect(
			await refusalOf(
				setCertificateStatus(
					db,
					staffId,
					points.point.id,
					{ itemId: item.retired, status: 'stopped', since: '2026-06-01' },
					TODAY
				)
			)
		).toEqual({ itemId: 'unknown_item' });
		expect(await registerSnapshot(db)).toEqual(before);
	});
});

describe('secondments', () => {
	const person = (over: Partial<SecondmentInput> = {}): SecondmentInput => ({
		personName: '李娜',
		post: '文书',
		borrowingUnit: '县住建局',
		startDate: '2026-03-01',
		expectedEnd: '2026-09-30',
		approved: true,
		approvalRef: '兴庆借〔2026〕3号',
		...over
	});

	it('adds an approved case and flags nothing; an unapproved one is a violation', async () => {
		const ok = await addSecondment(db, staffId, points.point.id, person(), TODAY);
		const bad = await addSecondment(
			db,
			staffId,
			points.point.id,
			person({ personName: '王强', approved: false, approvalRef: '无' }),
			TODAY
		);
		const list = await listSecondments(db, points.point.id, TODAY);
		expect(list.find((s) => s.id === ok.id)).toMatchObject({
			state: 'active',
			violation: false,
			approvalRef: '兴庆借〔2026〕3号'
		});
		// A reference typed without the approval box means nothing and is not kept.
		expect(list.find((s) => s.id === bad.id)).toMatchObject({
			unapproved: true,
			violation: true,
			approvalRef: null
		});
		expect(await auditRows(db, { action: 'secondment.add', entityId: ok.id })).toHaveLength(1);
	});

	it('flags a case kept past its expected end as overdue', async () => {
		const r = await addSecondment(
			db,
			staffId,
			points.point.id,
			person({ personName: '赵敏', expectedEnd: '2026-05-31' }),
			TODAY
		);
		const s = (await listSecondments(db, points.point.id, TODAY)).find((x) => x.id === r.id)!;
		expect(s).toMatchObject({ overdue: true, violation: true, unapproved: false });
	});

	it.each([
		['a blank name', { personName: ' ' }, 'personName', 'required'],
		['a blank borrowing unit', { borrowingUnit: '' }, 'borrowingUnit', 'required'],
		['a future start', { startDate: '2026-07-01' }, 'startDate', 'date_future'],
		['an end before the start', { expectedEnd: '2026-02-01' }, 'expectedEnd', 'secondment_end_before_start'],
		['an approval without its reference', { approvalRef: ' ' }, 'approvalRef', 'approval_ref_required']
	])('refuses %s and writes nothing', async (_what, over, field, problem) => {
		const before = await registerSnapshot(db);
		const r = await refusalOf(addSecondment(db, staffId, points.point.id, person(over), TODAY));
		expect(r[field]).toBe(problem);
		expect(await registerSnapshot(db)).toEqual(before);
	});

	it('edits a case, auditing only what changed', async () => {
		const r = await addSecondment(
			db,
			staffId,
			points.point.id,
			person({ personName: '孙丽', approved: false, approvalRef: null }),
			TODAY
		);
		expect(
			await updateSecondment(
				db,
				staffId,
				points.point.id,
				r.id,
				person({ personName: '孙丽', approvalRef: '补办〔2026〕1号' }),
				TODAY
			)
		).toBeUndefined();
		const audit = await auditRows(db, { action: 'secondment.update', entityId: r.id });
		expect(audit).toHaveLength(1);
		expect(JSON.parse(audit[0].changes!)).toEqual({
			approved: [0, 1],
			approval_ref: [null, '补办〔2026〕1号']
		});
	});

	it('records the return once, not before the start nor in the future', async () => {
		const r = await addSecondment(db, staffId, points.point.id, person({ personName: '周杰' }), TODAY);
		const before = await registerSnapshot(db);
		expect(
			await refusalOf(
				recordSecondmentReturn(db, staffId, points.point.id, r.id, { returnDate: '2026-02-28' }, TODAY)
			)
		).toEqual({ returnDate: 'return_before_start' });
		expect(
			await refusalOf(
				recordSecondmentReturn(db, staffId, points.point.id, r.id, { returnDate: '2026-06-16' }, TODAY)
			)
		).toEqual({ returnDate: 'date_future' });
		expect(await registerSnapshot(db)).toEqual(before);
		expect(
			await recordSecondmentReturn(db, staffId, points.point.id, r.id, { returnDate: '2026-06-01' }, TODAY)
		).toBeUndefined();
		expect(
			await refusalOf(
				recordSecondmentReturn(db, staffId, points.point.id, r.id, { returnDate: '2026-06-02' }, TODAY)
			)
		).toEqual({ returnDate: 'already_returned' });
		const s = (await listSecondments(db, points.point.id, TODAY)).find((x) => x.id === r.id)!;
		expect(s).toMatchObject({ state: 'returned', returnDate: '2026-06-01', violation: false });
		expect(await auditRows(db, { action: 'secondment.return', entityId: r.id })).toHaveLength(1);
	});

	it("treats another point's case as not found", async () => {
		const r = await addSecondment(db, staffId, points.other.id, person(), TODAY);
		await expect(
			recordSecondmentReturn(db, staffId, points.point.id, r.id, { returnDate: '2026-06-01' }, TODAY)
		).rejects.toMatchObject({ status: 404, problems: { '': { code: 'not_found' } } });
	});
});

describe('the figures a checklist round reads', () => {
	let fresh: PointRef;
	beforeEach(async () => {
		fresh = await newPoint(db, scenario.trees['65'].village);
		const ext = await added(fresh.id, {
			categoryId: cat.cancelled,
			placement: 'exterior',
			hungOn: '2026-01-05'
		});
		await added(fresh.id, { categoryId: cat.wall, hungOn: '2026-01-05' });
		const gone = await added(fresh.id, { categoryId: cat.kept, placement: 'interior', hungOn: '2026-01-05' });
		await removeSignboard(db, staffId, fresh.id, gone, { removedOn: '2026-02-10' }, TODAY);
		await removeSignboard(db, staffId, fresh.id, ext, { removedOn: '2026-02-10' }, TODAY);
		await rehangSignboard(db, staffId, fresh.id, ext, { hungOn: '2026-05-02' }, TODAY);
		await recordCertificateCount(
			db,
			staffId,
			fresh.id,
			{ itemId: item.cancelled, periodKind: 'month', period: '2026-01', issued: 3 },
			TODAY
		);
		await recordCertificateCount(
			db,
			staffId,
			fresh.id,
			{ itemId: item.cancelled, periodKind: 'month', period: '2026-04', issued: 5 },
			TODAY
		);
		await recordCertificateCount(
			db,
			staffId,
			fresh.id,
			{ itemId: item.retained, periodKind: 'quarter', period: '2026-Q1', issued: 9 },
			TODAY
		);
		const base = { post: null, borrowingUnit: '县委办', expectedEnd: null, approvalRef: null };
		await addSecondment(
			db,
			staffId,
			fresh.id,
			{ ...base, personName: '甲', startDate: '2026-01-10', approved: false },
			TODAY
		);
		const back = await addSecondment(
			db,
			staffId,
			fresh.id,
			{ ...base, personName: '乙', startDate: '2026-02-01', approved: true, approvalRef: 'X1' },
			TODAY
		);
		await recordSecondmentReturn(db, staffId, fresh.id, back.id, { returnDate: '2026-04-15' }, TODAY);
	});

	it('reads the first quarter as it stood on its last day', async () => {
		expect(await registerFigures(db, fresh.id, '2026-01-01', '2026-03-31')).toEqual({
			signboardsExterior: 0,
			signboardsInterior: 1,
			signboardsRehung: false,
			certificatesCancelledIssued: 3,
			secondmentsActive: 2,
			secondmentsUnapproved: 1
		});
	});

	it('sees the cancelled-category plate hung again in the second quarter as a rebound', async () => {
		expect(await registerFigures(db, fresh.id, '2026-04-01', '2026-06-30')).toEqual({
			signboardsExterior: 1,
			signboardsInterior: 1,
			signboardsRehung: true,
			certificatesCancelledIssued: 5,
			secondmentsActive: 1,
			secondmentsUnapproved: 1
		});
	});

	it('lists the plates hung again within a date range', async () => {
		expect((await rehungEvents(db, fresh.id, '2026-04-01', '2026-06-30')).map((e) => e.onDate)).toEqual([
			'2026-05-02'
		]);
		expect(await rehungEvents(db, fresh.id, '2026-01-01', '2026-03-31')).toEqual([]);
	});

	it('does not count hanging a kept-category plate again as a rebound', async () => {
		const p = await newPoint(db, await newRegion(db, '650105001002'));
		const plate = await added(p.id, { categoryId: cat.kept, hungOn: '2026-01-05' });
		await removeSignboard(db, staffId, p.id, plate, { removedOn: '2026-02-10' }, TODAY);
		await rehangSignboard(db, staffId, p.id, plate, { hungOn: '2026-02-20' }, TODAY);
		const f = await registerFigures(db, p.id, '2026-01-01', '2026-03-31');
		expect(f.signboardsRehung).toBe(false);
		expect(f.signboardsExterior).toBe(1);
	});

	it('counts a cancelled-category plate still up as a rebound in any period', async () => {
		const p = await newPoint(db, '650105001001');
		await added(p.id, { categoryId: cat.cancelled, hungOn: '2025-12-01' });
		const f = await registerFigures(db, p.id, '2026-01-01', '2026-03-31');
		expect(f.signboardsRehung).toBe(true);
		expect(f.signboardsInterior).toBe(1);
	});

	it('lists every register event of the point, newest first', async () => {
		const entries = await pointTimeline(db, fresh.id, TODAY);
		const dates = entries.map((e) => e.date);
		expect([...dates].sort().reverse()).toEqual(dates);
		const kinds = new Set(entries.map((e) => e.kind));
		for (const k of [
			'signboard_hung',
			'signboard_removed',
			'signboard_rehung',
			'certificate_count',
			'secondment_start',
			'secondment_return'
		])
			expect(kinds).toContain(k);
		expect(entries.find((e) => e.kind === 'signboard_rehung')).toMatchObject({
			date: '2026-05-02',
			flag: 'rebound'
		});
		expect(entries.filter((e) => e.kind === 'certificate_count' && e.flag === 'violation')).toHaveLength(2);
	});

	it('shows certificate status changes in the timeline from their audit rows', async () => {
		await setCertificateStatus(
			db,
			staffId,
			fresh.id,
			{ itemId: item.cancelled, status: 'issuing', since: '2026-01-01' },
			TODAY
		);
		await setCertificateStatus(
			db,
			staffId,
			fresh.id,
			{ itemId: item.cancelled, status: 'stopped', since: '2026-05-01' },
			TODAY
		);
		const statuses = (await pointTimeline(db, fresh.id, TODAY)).filter(
			(e) => e.kind === 'certificate_status'
		);
		expect(statuses.map((e) => [e.date, e.detail, e.subject])).toEqual([
			['2026-05-01', 'stopped', '无犯罪记录证明'],
			['2026-01-01', 'issuing', '无犯罪记录证明']
		]);
	});
});
