// The dashboard's reads besides the kept rows themselves (trends.queries.ts): whose dashboard it
// is, the last closed round, the flagged points with their evidence, and the latest round within
// the scope. dashboard.ts puts them together.
import { INDICATORS, isIndicatorKey, OVERALL } from '../../domain/indicators';
import type { PeriodKind } from '../../domain/periods';
import type { Reason } from '../../domain/rebound';
import { lineageOf, subtreeRange } from '../../domain/regions';
import type { FlagView, ReboundView } from '../../domain/trend-view';
import type { Db } from '../db';

export type DashboardScope =
	| { kind: 'region'; code: string; name: string; level: number }
	| { kind: 'point'; code: string; name: string; pointId: number };

export type ReboundScope =
	{ kind: 'region'; code: string } | { kind: 'point'; code: string; pointId: number };

/** The region or point a dashboard is for (the caller has checked it exists and is in scope). */
export async function findDashboardScope(
	db: Db,
	target: { kind: 'region'; code: string } | { kind: 'point'; pointId: number }
): Promise<DashboardScope> {
	if (target.kind === 'region') {
		const region = await db
			.selectFrom('regions')
			.select(['code', 'name', 'level'])
			.where('code', '=', target.code)
			.executeTakeFirstOrThrow();
		return { kind: 'region', code: region.code, name: region.name, level: region.level };
	}
	const point = await db
		.selectFrom('points')
		.innerJoin('regions', 'regions.code', 'points.region_code')
		.select(['points.id', 'regions.code', 'regions.name'])
		.where('points.id', '=', target.pointId)
		.executeTakeFirstOrThrow();
	return { kind: 'point', code: point.code, name: point.name, pointId: point.id };
}

/** The kind of period of the round closed last, if any. */
export async function lastClosedRoundKind(db: Db): Promise<PeriodKind | null> {
	const row = await db
		.selectFrom('rounds')
		.select('period_kind')
		.where('status', '=', 'closed')
		.orderBy('period_end', 'desc')
		.orderBy('id', 'desc')
		.executeTakeFirst();
	return row?.period_kind ?? null;
}

/** The last day of the latest closed round of a kind of period, if any. */
export async function lastClosedRoundEnd(db: Db, kind: PeriodKind): Promise<string | null> {
	const row = await db
		.selectFrom('rounds')
		.select((eb) => eb.fn.max('period_end').as('end'))
		.where('status', '=', 'closed')
		.where('period_kind', '=', kind)
		.executeTakeFirst();
	return (row?.end as string | null | undefined) ?? null;
}

/**
 * The period's flagged points in a subtree (or one point), each once with its flagged
 * indicators: rebounding points first, then those watched, in code order, up to `limit` points.
 * Each read is one range of the (period, status, region) index. Shared by the dashboard, the API
 * and the quarterly report.
 */
export async function reboundRows(
	db: Db,
	period: string,
	scope: ReboundScope,
	limit?: number
): Promise<ReboundView[]> {
	const points: { pointId: number; pointName: string; regionCode: string; status: 'rebounding' | 'watch' }[] =
		[];
	for (const status of ['rebounding', 'watch'] as const) {
		if (limit !== undefined && points.length >= limit) break;
		const found = await db
			.selectFrom('point_indicators as pi')
			.innerJoin('points as p', 'p.id', 'pi.point_id')
			.innerJoin('regions as r', 'r.code', 'p.region_code')
			.select(['p.id as pointId', 'r.name as pointName', 'p.region_code as regionCode'])
			.where('pi.period_key', '=', period)
			.where('pi.status', '=', status)
			.where('pi.indicator', '=', OVERALL)
			.$call((q) => inScope(q, scope))
			.orderBy('pi.region_code')
			.orderBy('pi.point_id')
			.$if(limit !== undefined, (q) => q.limit(limit! - points.length))
			.execute();
		points.push(...found.map((f) => ({ ...f, status })));
	}
	if (points.length === 0) return [];
	const flags = await db
		.selectFrom('point_indicators')
		.select([
			'point_id',
			'indicator',
			'status',
			'reason',
			'value',
			'level',
			'upper',
			'recent',
			'span',
			'submission_id'
		])
		.where('period_key', '=', period)
		.where(
			'point_id',
			'in',
			points.map((p) => p.pointId)
		)
		.where('status', 'in', ['rebounding', 'watch'])
		.where('indicator', '!=', OVERALL)
		.execute();
	const byPoint = new Map<number, FlagView[]>();
	for (const f of flags) {
		if (!isIndicatorKey(f.indicator)) continue;
		const list = byPoint.get(f.point_id) ?? [];
		list.push({
			indicator: f.indicator,
			status: f.status as FlagView['status'],
			reason: (f.reason ?? 'within') as Reason,
			value: f.value,
			level: f.level,
			upper: f.upper,
			recent: f.recent,
			span: f.span,
			evidence: f.submission_id ? 'answer' : 'register',
			evidenceHref: f.submission_id
				? `/submissions/${f.submission_id}${f.indicator === 'compliance_rate' ? '' : `#item-${f.indicator}`}`
				: `/points/${f.point_id}/registers/timeline`
		});
		byPoint.set(f.point_id, list);
	}
	const order = new Map(INDICATORS.map((d, i) => [d.key as string, i]));
	return points.map((p) => ({
		...p,
		period,
		flags: (byPoint.get(p.pointId) ?? []).sort(
			(a, b) =>
				(a.status === b.status ? 0 : a.status === 'rebounding' ? -1 : 1) ||
				order.get(a.indicator)! - order.get(b.indicator)!
		)
	}));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function inScope<Q extends { where: (...args: any[]) => any }>(q: Q, scope: ReboundScope): Q {
	return scope.kind === 'point'
		? q.where('pi.region_code', '=', scope.code).where('pi.point_id', '=', scope.pointId)
		: q
				.where('pi.region_code', '>=', subtreeRange(scope.code)[0])
				.where('pi.region_code', '<=', subtreeRange(scope.code)[1]);
}

/** A region's kept count of points rebounding and watched overall at a period. */
export async function regionFlaggedCounts(
	db: Db,
	code: string,
	period: string
): Promise<{ total: number; watching: number }> {
	const row = await db
		.selectFrom('region_indicators')
		.select(['rebounding', 'watching'])
		.where('region_code', '=', code)
		.where('period_key', '=', period)
		.where('indicator', '=', OVERALL)
		.executeTakeFirst();
	return { total: row?.rebounding ?? 0, watching: row?.watching ?? 0 };
}

/** How many points in a subtree have the overall standing at a period, counted from their rows. */
export async function countFlaggedPoints(
	db: Db,
	code: string,
	period: string,
	status: 'rebounding' | 'watch'
): Promise<number> {
	const row = await db
		.selectFrom('point_indicators as pi')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('pi.period_key', '=', period)
		.where('pi.status', '=', status)
		.where('pi.indicator', '=', OVERALL)
		.$call((q) => inScope(q, { kind: 'region', code }))
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/** The latest round (not a draft) that asked points within a region or a point's code. */
export async function latestRoundWithin(
	db: Db,
	within: string
): Promise<{ id: number; name: string } | null> {
	const round = await db
		.selectFrom('rounds')
		.select(['id', 'name', 'target_region_code'])
		.where('status', '!=', 'draft')
		.where((eb) =>
			eb.or([
				eb('target_region_code', 'is', null),
				eb('target_region_code', 'in', lineageOf(within)),
				eb('target_region_code', 'like', `${within}%`)
			])
		)
		.orderBy('period_end', 'desc')
		.orderBy('id', 'desc')
		.executeTakeFirst();
	return round ? { id: round.id, name: round.name } : null;
}
