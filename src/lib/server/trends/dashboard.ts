// Everything the trends dashboard, its JSON endpoint and the report show for a region or a
// point. The caller has checked the scope (requireRegion / requirePoint); this only reads.
import {
	INDICATORS,
	indicatorDef,
	isIndicatorKey,
	OVERALL,
	worsening,
	type IndicatorKey
} from '../../domain/indicators';
import type { PeriodKind } from '../../domain/periods';
import { lineageOf, VILLAGE_LEVEL } from '../../domain/regions';
import type {
	ChildRow,
	Crumb,
	DashboardData,
	IndicatorTrend,
	PeriodValue,
	PeriodView,
	ReboundView,
	ReportingView,
	SeriesValue
} from '../../domain/trend-view';
import { canSeeRegion, type Viewer } from '../auth/access';
import { ratesByRound } from '../checklists/reporting.queries';
import type { Db } from '../db';
import { findRegions } from '../regions/regions.repository';
import {
	countFlaggedPoints,
	findDashboardScope,
	lastClosedRoundEnd,
	lastClosedRoundKind,
	latestRoundWithin,
	reboundRows,
	regionFlaggedCounts,
	type DashboardScope
} from './dashboard.queries';
import { getTrendRule, pendingRebuild } from './indicators.service';
import { listIndicatorPeriods } from './kept.repository';
import {
	keptChildren,
	keptPointRows,
	keptRegionRows,
	meanOf,
	periodsInRange,
	round1,
	type KeptFigure
} from './trends.queries';

/** The flagged points with their evidence: the report lists them too. */
export { reboundRows };

export type DashboardTarget = { kind: 'region'; code: string } | { kind: 'point'; pointId: number };

export const DEFAULT_SELECTED: IndicatorKey[] = ['signboards_exterior', 'meetings_attended', 'data_requests'];
const REBOUND_LIMIT = 50;

const isKind = (v: string | null): v is PeriodKind => v === 'month' || v === 'quarter' || v === 'custom';

/** The view asked for; a missing or unknown value takes its default. */
export interface DashboardOptions {
	kind?: string | null;
	from?: string | null;
	to?: string | null;
	indicators?: readonly string[];
}

/** The dashboard as a query string asks for it: `i` repeated (a no-JS form) or comma-separated. */
export function loadDashboard(
	db: Db,
	user: Viewer,
	target: DashboardTarget,
	params: URLSearchParams
): Promise<DashboardData> {
	return loadDashboardView(db, user, target, {
		kind: params.get('kind'),
		from: params.get('from'),
		to: params.get('to'),
		indicators: params.getAll('i').flatMap((v) => v.split(','))
	});
}

export async function loadDashboardView(
	db: Db,
	user: Viewer,
	target: DashboardTarget,
	options: DashboardOptions
): Promise<DashboardData> {
	const [allPeriods, rule, scope, rebuild] = await Promise.all([
		listIndicatorPeriods(db),
		getTrendRule(db),
		findDashboardScope(db, target),
		pendingRebuild(db)
	]);

	const kinds = [...new Set(allPeriods.map((p) => p.kind))];
	const asked = options.kind ?? null;
	// By default the kind of period the office last closed a round for: a monthly trial round or
	// one opened ahead of time does not switch a quarterly office's view to months.
	const kind: PeriodKind | null =
		isKind(asked) && kinds.includes(asked)
			? asked
			: ((await lastClosedKind(db, kinds)) ?? allPeriods.at(-1)?.kind ?? null);
	const periods = allPeriods.filter((p) => p.kind === kind);
	const keyOk = (k: string | null) => (k && periods.some((p) => p.key === k) ? k : null);
	// By default the view ends at the last period whose round has closed; the open one is a choice.
	const to =
		keyOk(options.to ?? null) ?? (await lastClosedPeriod(db, periods)) ?? periods.at(-1)?.key ?? null;
	let from = keyOk(options.from ?? null) ?? periods[0]?.key ?? null;
	if (from && to && periods.findIndex((p) => p.key === from) > periods.findIndex((p) => p.key === to))
		from = periods[0]?.key ?? null;
	const shown = kind
		? periodsInRange(allPeriods, { kind, from: from ?? undefined, to: to ?? undefined })
		: [];
	const baseline = baselineOf(periods, allPeriods, rule.baselinePeriod);

	const selectedRaw = (options.indicators ?? []).filter(isIndicatorKey);
	const selected = selectedRaw.length ? [...new Set(selectedRaw)] : DEFAULT_SELECTED;

	const keys = [...new Set([...shown.map((p) => p.key), ...(baseline ? [baseline.key] : [])])];
	const rows: KeptFigure[] =
		scope.kind === 'region'
			? await keptRegionRows(db, [scope.code], keys)
			: await keptPointRows(db, [scope.pointId], keys);
	const byKey = new Map(rows.map((r) => [`${r.period_key}\u0000${r.indicator}`, r]));
	const get = (period: string, indicator: string) => byKey.get(`${period}\u0000${indicator}`);

	const trends = INDICATORS.map((def) => trendOf(def.key, shown, baseline?.key ?? null, get));
	const latestOverall = [...shown].reverse().find((p) => (get(p.key, OVERALL)?.points ?? 0) > 0);
	const overallRow = latestOverall ? get(latestOverall.key, OVERALL) : undefined;
	const asOf = latestOverall?.key ?? null;
	const previousOf = (key: string | null) => {
		const i = shown.findIndex((p) => p.key === key);
		return i > 0 ? shown[i - 1].key : null;
	};

	const [breadcrumbs, children, rebounds, reporting] = await Promise.all([
		crumbs(db, user, scope),
		scope.kind === 'region'
			? childRows(db, scope, selected[0], {
					latest: asOf,
					previous: previousOf(asOf),
					baseline: baseline?.key ?? null
				})
			: Promise.resolve([]),
		asOf ? reboundsAt(db, scope, asOf) : Promise.resolve({ total: 0, watching: 0, rows: [] }),
		latestReporting(db, scope)
	]);

	return {
		scope:
			scope.kind === 'region'
				? { kind: 'region', code: scope.code, name: scope.name, level: scope.level }
				: { kind: 'point', code: scope.code, name: scope.name, pointId: scope.pointId },
		breadcrumbs,
		periods,
		shown,
		kinds,
		kind,
		from,
		to,
		baselinePeriod: baseline?.key ?? null,
		rule,
		recalculating: rebuild ? { progress: rebuild.progress } : null,
		selected,
		trends,
		overall: {
			period: asOf,
			holding: overallRow?.holding ?? 0,
			watching: overallRow?.watching ?? 0,
			rebounding: overallRow?.rebounding ?? 0,
			points: overallRow?.points ?? 0
		},
		children,
		rebounds,
		reporting
	};
}

type Scope = DashboardScope;

/** The rule's baseline, or for another kind of period the first one starting on or after it. */
function baselineOf(periods: PeriodView[], all: PeriodView[], key: string | null): PeriodView | null {
	if (!key) return periods[0] ?? null;
	const chosen = all.find((p) => p.key === key);
	if (!chosen) return periods[0] ?? null;
	return periods.find((p) => p.start >= chosen.start) ?? null;
}

async function lastClosedKind(db: Db, kinds: PeriodKind[]): Promise<PeriodKind | null> {
	if (kinds.length < 2) return kinds[0] ?? null;
	const last = await lastClosedRoundKind(db);
	return last && kinds.includes(last) ? last : null;
}

async function lastClosedPeriod(db: Db, periods: PeriodView[]): Promise<string | null> {
	if (periods.length === 0) return null;
	const end = await lastClosedRoundEnd(db, periods[0].kind);
	if (!end) return null;
	return [...periods].reverse().find((p) => p.end <= end)?.key ?? null;
}

function trendOf(
	indicator: IndicatorKey,
	shown: PeriodView[],
	baselineKey: string | null,
	get: (period: string, indicator: string) => KeptFigure | undefined
): IndicatorTrend {
	const def = indicatorDef(indicator)!;
	const values: SeriesValue[] = shown.map((p) => {
		const r = get(p.key, indicator);
		return {
			period: p.key,
			value: meanOf(r),
			total: r && r.points > 0 ? round1(r.total) : null,
			points: r?.points ?? 0,
			holding: r?.holding ?? 0,
			watching: r?.watching ?? 0,
			rebounding: r?.rebounding ?? 0
		};
	});
	const withData = values.filter((v) => v.value !== null);
	const last = withData.at(-1);
	const latest: PeriodValue | null = last ? { period: last.period, value: last.value! } : null;
	const prev = withData.at(-2);
	const previous: PeriodValue | null = prev ? { period: prev.period, value: prev.value! } : null;
	const baseValue = baselineKey ? meanOf(get(baselineKey, indicator)) : null;
	const baseline: PeriodValue | null = baseValue !== null ? { period: baselineKey!, value: baseValue } : null;
	let verdict: IndicatorTrend['verdict'] = 'no_data';
	if (latest && baseline) {
		const worse = worsening(def, latest.value, baseline.value);
		verdict = worse > 0 ? 'worse' : worse < 0 ? 'better' : 'same';
	}
	return {
		indicator,
		unit: def.unit,
		direction: def.direction,
		cancelled: def.cancelled,
		values,
		latest,
		previous,
		baseline,
		holding: last?.holding ?? 0,
		watching: last?.watching ?? 0,
		rebounding: last?.rebounding ?? 0,
		verdict
	};
}

async function crumbs(db: Db, user: Viewer, scope: Scope): Promise<Crumb[]> {
	const lineage = await findRegions(db, lineageOf(scope.code));
	return lineage.map((r) => {
		const last = r.code === scope.code;
		const href =
			last && scope.kind === 'point'
				? `/trends/points/${scope.pointId}`
				: canSeeRegion(user, r.code)
					? `/trends/${r.code}`
					: null;
		return { code: r.code, name: r.name, href };
	});
}

async function childRows(
	db: Db,
	region: { code: string; level: number },
	indicator: IndicatorKey,
	at: { latest: string | null; previous: string | null; baseline: string | null }
): Promise<ChildRow[]> {
	const keys = [...new Set([at.latest, at.previous, at.baseline].filter((k): k is string => !!k))];
	const children = await keptChildren(db, region, keys, [indicator, OVERALL]);
	return children.map((c) => {
		const value = (period: string | null) =>
			period ? meanOf(c.rows.find((r) => r.period_key === period && r.indicator === indicator)) : null;
		const latest = value(at.latest);
		const base = value(at.baseline);
		const prev = value(at.previous);
		const overall = c.rows.find((r) => r.period_key === at.latest && r.indicator === OVERALL);
		const holding = overall?.holding ?? 0;
		const watching = overall?.watching ?? 0;
		const rebounding = overall?.rebounding ?? 0;
		return {
			code: c.code,
			name: c.name,
			pointId: c.pointId,
			href: c.pointId ? `/trends/points/${c.pointId}` : `/trends/${c.code}`,
			latest,
			vsBaseline: latest !== null && base !== null ? round1(latest - base) : null,
			vsPrevious: latest !== null && prev !== null ? round1(latest - prev) : null,
			holding,
			watching,
			rebounding,
			status: rebounding > 0 ? 'rebounding' : watching > 0 ? 'watch' : holding > 0 ? 'holding' : 'no_data'
		};
	});
}

async function reboundsAt(db: Db, scope: Scope, period: string): Promise<DashboardData['rebounds']> {
	const rows = await reboundRows(db, period, scope, REBOUND_LIMIT);
	const counts = await flaggedCounts(db, scope, period, rows);
	return { ...counts, rows };
}

/** Points rebounding and watched: below the cap the list counts them, above it the kept rows. */
async function flaggedCounts(db: Db, scope: Scope, period: string, rows: ReboundView[]) {
	const listed = {
		total: rows.filter((r) => r.status === 'rebounding').length,
		watching: rows.filter((r) => r.status === 'watch').length
	};
	if (rows.length < REBOUND_LIMIT) return listed;
	if (scope.kind === 'region' && scope.level < VILLAGE_LEVEL)
		return regionFlaggedCounts(db, scope.code, period);
	return {
		total: await countFlaggedPoints(db, scope.code, period, 'rebounding'),
		watching: await countFlaggedPoints(db, scope.code, period, 'watch')
	};
}

async function latestReporting(db: Db, scope: Scope): Promise<ReportingView | null> {
	const within = scope.code;
	const round = await latestRoundWithin(db, within);
	if (!round) return null;
	const rate = (await ratesByRound(db, [round.id], within)).get(round.id)!;
	if (rate.targets === 0) return null;
	return { roundId: round.id, roundName: round.name, ...rate };
}
