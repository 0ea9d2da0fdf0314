// Reads across the three registers: the figures a checklist round needs, a point's timeline, and
// the lists reviewers and analysts filter across their subtree.
import { sql } from 'kysely';
import { registerValues, type RegisterData } from '../../domain/indicators';
import { chinaDate } from '../../domain/periods';
import {
	REBOUND,
	isCertificateViolation,
	isRebound,
	secondmentView,
	signboardEventFlag,
	type SecondmentView
} from '../../domain/registers';
import type { Db } from '../db';
import { jsonFromColumn } from '../db/json-columns';
import type { SignboardPlacement } from '../db/schema';
import { toSecondmentRecord } from './secondments.repository';

export interface RegisterFigures {
	signboardsExterior: number;
	/** Interior door plates and rules on the wall. */
	signboardsInterior: number;
	/**
	 * A cancelled-category plate hung again within the period, or one still up at its end (hanging
	 * a kept plate again is no rebound).
	 */
	signboardsRehung: boolean;
	certificatesCancelledIssued: number;
	/** Seconded on the period's last day. */
	secondmentsActive: number;
	secondmentsUnapproved: number;
}

/** The registers as of `periodEnd`, so an old period keeps its own picture. */
export async function registerFigures(
	db: Db,
	pointId: number,
	periodStart: string,
	periodEnd: string
): Promise<RegisterFigures> {
	const data = (await loadRegisterData(db, [pointId])).get(pointId) ?? emptyRegisterData();
	const v = registerValues(data, { start: periodStart, end: periodEnd });
	return {
		signboardsExterior: v.signboards_exterior,
		signboardsInterior: v.signboards_interior,
		signboardsRehung: v.signboards_rehung > 0 || v.signboards_cancelled_hung > 0,
		certificatesCancelledIssued: v.certificates_cancelled_issued,
		secondmentsActive: v.secondments_active,
		secondmentsUnapproved: v.secondments_unapproved
	};
}

export const emptyRegisterData = (): RegisterData => ({
	boardEvents: [],
	certificateCounts: [],
	secondments: []
});

/** What the register rules need to know about each point, in three queries for any number of points. */
export async function loadRegisterData(db: Db, pointIds: number[]): Promise<Map<number, RegisterData>> {
	const out = new Map<number, RegisterData>();
	if (pointIds.length === 0) return out;
	const [boardRows, countRows, secondmentRows] = await Promise.all([
		db
			.selectFrom('signboard_events as e')
			.innerJoin('signboards as b', 'b.id', 'e.signboard_id')
			.innerJoin('signboard_categories as c', 'c.id', 'b.category_id')
			.select(['b.point_id', 'b.id', 'b.placement', 'c.status', 'e.kind', 'e.on_date'])
			.where('b.point_id', 'in', pointIds)
			.orderBy('e.on_date')
			.orderBy('e.id')
			.execute(),
		db
			.selectFrom('certificate_counts as n')
			.innerJoin('certificate_items as i', 'i.id', 'n.item_id')
			.select(['n.point_id', 'n.period_start', 'n.period_end', 'n.issued', 'i.status'])
			.where('n.point_id', 'in', pointIds)
			.execute(),
		db
			.selectFrom('secondments')
			.select(['point_id', 'start_date', 'return_date', 'approved'])
			.where('point_id', 'in', pointIds)
			.execute()
	]);
	const of = (pointId: number) => {
		let r = out.get(pointId);
		if (!r) out.set(pointId, (r = emptyRegisterData()));
		return r;
	};
	for (const e of boardRows)
		of(e.point_id).boardEvents.push({
			signboardId: e.id,
			placement: e.placement,
			categoryStatus: e.status,
			kind: e.kind,
			onDate: e.on_date
		});
	for (const c of countRows)
		of(c.point_id).certificateCounts.push({
			periodStart: c.period_start,
			periodEnd: c.period_end,
			issued: c.issued,
			cancelled: c.status === 'cancelled'
		});
	for (const s of secondmentRows)
		of(s.point_id).secondments.push({
			startDate: s.start_date,
			returnDate: s.return_date,
			approved: s.approved === 1
		});
	return out;
}

/**
 * Plates hung again between two dates, inclusive, oldest first: of any category, so only those of
 * a cancelled category (`categoryStatus`) are rebounds.
 */
export function rehungEvents(db: Db, pointId: number, from: string, to: string) {
	return db
		.selectFrom('signboard_events as e')
		.innerJoin('signboards as s', 's.id', 'e.signboard_id')
		.innerJoin('signboard_categories as c', 'c.id', 's.category_id')
		.select([
			'e.id',
			's.id as signboardId',
			's.text',
			'c.name as categoryName',
			'c.status as categoryStatus',
			'e.on_date as onDate',
			'e.note'
		])
		.where('s.point_id', '=', pointId)
		.where('e.kind', '=', 'rehung')
		.where('e.on_date', '>=', from)
		.where('e.on_date', '<=', to)
		.orderBy('e.on_date')
		.orderBy('e.id')
		.execute();
}

export type TimelineKind =
	| 'signboard_hung'
	| 'signboard_removed'
	| 'signboard_rehung'
	| 'certificate_status'
	| 'certificate_count'
	| 'secondment_start'
	| 'secondment_return';

export interface TimelineEntry {
	date: string;
	kind: TimelineKind;
	/** The plate's text, the certificate item or the person. */
	subject: string;
	/** The status set, the period counted, the borrowing unit. */
	detail: string | null;
	count: number | null;
	note: string | null;
	photoId: number | null;
	flag: 'rebound' | 'violation' | 'reduction' | null;
	/** Orders entries of the same day: later records first. */
	order: string;
}

/** Every register event of a point, newest first. */
export async function pointTimeline(db: Db, pointId: number, today = chinaDate()): Promise<TimelineEntry[]> {
	const [boardEvents, statusRows, counts, seconded] = await Promise.all([
		db
			.selectFrom('signboard_events as e')
			.innerJoin('signboards as s', 's.id', 'e.signboard_id')
			.innerJoin('signboard_categories as c', 'c.id', 's.category_id')
			.select([
				'e.id',
				'e.kind',
				'e.on_date',
				'e.note',
				'e.photo_id',
				'e.created_at',
				's.text',
				's.state',
				'c.name as category',
				'c.status as categoryStatus'
			])
			.where('s.point_id', '=', pointId)
			.execute(),
		db
			.selectFrom('audit_log')
			.select(['id', 'entity_id', 'changes', 'at'])
			.where('entity_type', '=', 'point_certificate')
			.where('action', '=', 'point_certificate.status')
			.where('entity_id', 'like', `${pointId}:%`)
			.execute(),
		db
			.selectFrom('certificate_counts as n')
			.innerJoin('certificate_items as i', 'i.id', 'n.item_id')
			.select(['n.period_start', 'n.period_end', 'n.issued', 'n.updated_at', 'i.name', 'i.status'])
			.where('n.point_id', '=', pointId)
			.execute(),
		db.selectFrom('secondments').selectAll().where('point_id', '=', pointId).execute()
	]);
	const items = new Map(
		(await db.selectFrom('certificate_items').select(['id', 'name']).execute()).map((i) => [
			String(i.id),
			i.name
		])
	);
	const out: TimelineEntry[] = [];
	for (const e of boardEvents) {
		out.push({
			date: e.on_date,
			kind: `signboard_${e.kind}`,
			subject: e.text,
			detail: e.category,
			count: null,
			note: e.note,
			photoId: e.photo_id,
			flag: signboardEventFlag(e.kind, e.categoryStatus, e.state),
			order: e.created_at
		});
	}
	for (const row of statusRows) {
		const changes = jsonFromColumn<{ status?: [string, string]; since?: [string, string] }>(row.changes, {});
		const status = changes.status?.[1];
		const since = changes.since?.[1];
		if (!status || !since) continue;
		out.push({
			date: since,
			kind: 'certificate_status',
			subject: items.get(row.entity_id?.split(':')[1] ?? '') ?? '',
			detail: status,
			count: null,
			note: null,
			photoId: null,
			flag: null,
			order: row.at
		});
	}
	for (const c of counts) {
		out.push({
			date: c.period_end > today ? today : c.period_end,
			kind: 'certificate_count',
			subject: c.name,
			detail: `${c.period_start}/${c.period_end}`,
			count: c.issued,
			note: null,
			photoId: null,
			flag: isCertificateViolation({ itemStatus: c.status, issued: c.issued }) ? 'violation' : null,
			order: c.updated_at
		});
	}
	for (const s of seconded) {
		const view = secondmentView(toSecondmentRecord(s), today);
		out.push({
			date: s.start_date,
			kind: 'secondment_start',
			subject: s.person_name,
			detail: s.borrowing_unit,
			count: null,
			note: s.approval_ref,
			photoId: null,
			flag: view.violation || !s.approved ? 'violation' : null,
			order: s.created_at
		});
		if (s.return_date)
			out.push({
				date: s.return_date,
				kind: 'secondment_return',
				subject: s.person_name,
				detail: s.borrowing_unit,
				count: null,
				note: null,
				photoId: null,
				flag: null,
				order: s.updated_at
			});
	}
	return out.sort((a, b) => b.date.localeCompare(a.date) || b.order.localeCompare(a.order));
}

// ---- Lists across a subtree (/registers) ----

export const PAGE_SIZE = 50;

export interface RegisterFilter {
	/** Region code prefix; null for everything (admins). */
	within: string | null;
	status?: string | null;
	categoryId?: number | null;
	from?: string | null;
	to?: string | null;
	page?: number;
	/** Every row, unpaged (exports). */
	all?: boolean;
}

/** The entries the category filter offers: signboard categories or certificate items, by name. */
export function filterCategories(
	db: Db,
	kind: 'signboards' | 'certificates' | 'secondments'
): Promise<{ id: number; name: string }[]> {
	if (kind === 'signboards')
		return db.selectFrom('signboard_categories').select(['id', 'name']).orderBy('name').execute();
	if (kind === 'certificates')
		return db.selectFrom('certificate_items').select(['id', 'name']).orderBy('name').execute();
	return Promise.resolve([]);
}

const pageOffset = (f: RegisterFilter) => (Math.max(1, f.page ?? 1) - 1) * PAGE_SIZE;

/** The page's rows, read one past the page so `hasMore` needs no count; every row with `all`. */
function pageRows<T>(list: T[], f: RegisterFilter): { rows: T[]; hasMore: boolean } {
	return f.all
		? { rows: list, hasMore: false }
		: { rows: list.slice(0, PAGE_SIZE), hasMore: list.length > PAGE_SIZE };
}

export interface SignboardListRow {
	id: number;
	pointId: number;
	pointName: string;
	regionCode: string;
	text: string;
	placement: SignboardPlacement;
	state: 'hung' | 'removed';
	categoryName: string;
	categoryStatus: 'cancelled' | 'kept';
	lastDate: string | null;
	rehung: boolean;
	/** By `isRebound`; the `rebound` filter selects by the same rule. */
	rebound: boolean;
}

export async function listSignboardRows(db: Db, f: RegisterFilter) {
	const lastDate = sql<string | null>`(select max(on_date) from signboard_events where signboard_id = s.id)`;
	const rehung = sql<number>`exists (select 1 from signboard_events where signboard_id = s.id and kind = 'rehung')`;
	const rows = await db
		.selectFrom('signboards as s')
		.innerJoin('signboard_categories as c', 'c.id', 's.category_id')
		.innerJoin('points as p', 'p.id', 's.point_id')
		.innerJoin('regions as r', 'r.code', 'p.region_code')
		.select([
			's.id',
			'p.id as pointId',
			'r.name as pointName',
			'p.region_code as regionCode',
			's.text',
			's.placement',
			's.state',
			'c.name as categoryName',
			'c.status as categoryStatus',
			lastDate.as('lastDate'),
			rehung.as('rehung')
		])
		.$if(!!f.within, (q) => q.where('p.region_code', 'like', `${f.within}%`))
		.$if(f.status === 'hung' || f.status === 'removed', (q) =>
			q.where('s.state', '=', f.status as 'hung' | 'removed')
		)
		.$if(f.status === 'rebound', (q) =>
			q.where('s.state', '=', REBOUND.state).where('c.status', '=', REBOUND.categoryStatus)
		)
		.$if(f.categoryId != null, (q) => q.where('s.category_id', '=', f.categoryId!))
		.$if(!!f.from, (q) => q.where(lastDate, '>=', f.from!))
		.$if(!!f.to, (q) => q.where(lastDate, '<=', f.to!))
		.orderBy('p.region_code')
		.orderBy('s.id')
		.$if(!f.all, (q) => q.limit(PAGE_SIZE + 1).offset(pageOffset(f)))
		.execute();
	const list: SignboardListRow[] = rows.map((r) => ({
		...r,
		rehung: Number(r.rehung) === 1,
		rebound: isRebound(r)
	}));
	return pageRows(list, f);
}

export interface CertificateListRow {
	pointId: number;
	pointName: string;
	regionCode: string;
	itemId: number;
	itemName: string;
	itemStatus: 'cancelled' | 'retained';
	status: 'issuing' | 'stopped' | null;
	periodStart: string;
	periodEnd: string;
	issued: number;
	violation: boolean;
}

/** One row per point, item and counted period. */
export async function listCertificateRows(db: Db, f: RegisterFilter) {
	const rows = await db
		.selectFrom('certificate_counts as n')
		.innerJoin('certificate_items as i', 'i.id', 'n.item_id')
		.innerJoin('points as p', 'p.id', 'n.point_id')
		.innerJoin('regions as r', 'r.code', 'p.region_code')
		.leftJoin('point_certificates as pc', (j) =>
			j.onRef('pc.point_id', '=', 'n.point_id').onRef('pc.item_id', '=', 'n.item_id')
		)
		.select([
			'p.id as pointId',
			'r.name as pointName',
			'p.region_code as regionCode',
			'i.id as itemId',
			'i.name as itemName',
			'i.status as itemStatus',
			'pc.status',
			'n.period_start as periodStart',
			'n.period_end as periodEnd',
			'n.issued'
		])
		.$if(!!f.within, (q) => q.where('p.region_code', 'like', `${f.within}%`))
		.$if(f.status === 'issuing' || f.status === 'stopped', (q) =>
			q.where('pc.status', '=', f.status as 'issuing' | 'stopped')
		)
		.$if(f.status === 'violation', (q) => q.where('i.status', '=', 'cancelled').where('n.issued', '>', 0))
		.$if(f.categoryId != null, (q) => q.where('n.item_id', '=', f.categoryId!))
		.$if(!!f.from, (q) => q.where('n.period_end', '>=', f.from!))
		.$if(!!f.to, (q) => q.where('n.period_start', '<=', f.to!))
		.orderBy('n.period_start', 'desc')
		.orderBy('p.region_code')
		.orderBy('i.name')
		.$if(!f.all, (q) => q.limit(PAGE_SIZE + 1).offset(pageOffset(f)))
		.execute();
	const list: CertificateListRow[] = rows.map((r) => ({
		...r,
		violation: isCertificateViolation({ itemStatus: r.itemStatus, issued: r.issued })
	}));
	return pageRows(list, f);
}

export interface SecondmentListRow extends SecondmentView {
	pointId: number;
	pointName: string;
	regionCode: string;
}

export async function listSecondmentRows(db: Db, f: RegisterFilter, today = chinaDate()) {
	const active = (q: ReturnType<typeof base>) =>
		q
			.where('s.start_date', '<=', today)
			.where((eb) => eb.or([eb('s.return_date', 'is', null), eb('s.return_date', '>', today)]));
	const base = () =>
		db
			.selectFrom('secondments as s')
			.innerJoin('points as p', 'p.id', 's.point_id')
			.innerJoin('regions as r', 'r.code', 'p.region_code')
			.selectAll('s')
			.select(['p.id as pointId', 'r.name as pointName', 'p.region_code as regionCode']);
	const rows = await base()
		.$if(!!f.within, (q) => q.where('p.region_code', 'like', `${f.within}%`))
		.$if(f.status === 'active', active)
		.$if(f.status === 'returned', (q) => q.where('s.return_date', '<=', today))
		.$if(f.status === 'unapproved', (q) => active(q).where('s.approved', '=', 0))
		.$if(f.status === 'overdue', (q) => active(q).where('s.expected_end', '<', today))
		.$if(!!f.from, (q) => q.where('s.start_date', '>=', f.from!))
		.$if(!!f.to, (q) => q.where('s.start_date', '<=', f.to!))
		.orderBy('p.region_code')
		.orderBy('s.start_date', 'desc')
		.orderBy('s.id')
		.$if(!f.all, (q) => q.limit(PAGE_SIZE + 1).offset(pageOffset(f)))
		.execute();
	const list: SecondmentListRow[] = rows.map((r) => ({
		...secondmentView(toSecondmentRecord(r), today),
		pointId: r.pointId,
		pointName: r.pointName,
		regionCode: r.regionCode
	}));
	return pageRows(list, f);
}
