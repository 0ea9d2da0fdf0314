// Reads of the kept figures. A region's trend is a read of its own rows (the sums were kept as
// its points changed), so it costs the same for a township as for the province.
import { OVERALL, statusOfLetter } from '../../domain/indicators';
import type { PeriodKind } from '../../domain/periods';
import { SENSITIVITIES, type Sensitivity } from '../../domain/rebound';
import { VILLAGE_LEVEL } from '../../domain/regions';
import type { PeriodView } from '../../domain/trend-view';
import type { Db } from '../db';
import type { RegionIndicatorsTable } from '../db/schema';
import { listIndicatorPeriods } from './kept.repository';

export interface KeptRow {
	period: string;
	indicator: string;
	total: number;
	points: number;
	holding: number;
	watching: number;
	rebounding: number;
}

export interface TrendRange {
	kind?: PeriodKind;
	from?: string;
	to?: string;
}

export interface Trend {
	periods: PeriodView[];
	rows: KeptRow[];
}

/** The periods of one kind between two keys (inclusive), oldest first. */
export function periodsInRange(all: PeriodView[], range: TrendRange): PeriodView[] {
	const kind = range.kind ?? all.at(-1)?.kind;
	const ofKind = all.filter((p) => p.kind === kind);
	const fromIdx = range.from ? ofKind.findIndex((p) => p.key === range.from) : 0;
	const toIdx = range.to ? ofKind.findIndex((p) => p.key === range.to) : ofKind.length - 1;
	return ofKind.slice(Math.max(0, fromIdx), toIdx < 0 ? ofKind.length : toIdx + 1);
}

const toKept = (
	r: Pick<
		RegionIndicatorsTable,
		'period_key' | 'indicator' | 'total' | 'points' | 'holding' | 'watching' | 'rebounding'
	>
): KeptRow => ({
	period: r.period_key,
	indicator: r.indicator,
	total: r.total,
	points: r.points,
	holding: r.holding,
	watching: r.watching,
	rebounding: r.rebounding
});

export async function keptRegionRows(db: Db, codes: string[], periodKeys: string[], indicators?: string[]) {
	if (codes.length === 0 || periodKeys.length === 0) return [];
	return db
		.selectFrom('region_indicators')
		.select([
			'region_code',
			'period_key',
			'indicator',
			'total',
			'points',
			'holding',
			'watching',
			'rebounding'
		])
		.where('region_code', 'in', codes)
		.where('period_key', 'in', periodKeys)
		.$if(!!indicators, (q) => q.where('indicator', 'in', indicators!))
		.execute();
}

/** A point's own rows in the same shape as a region's: points is 1 where it has a value. */
export async function keptPointRows(db: Db, pointIds: number[], periodKeys: string[], indicators?: string[]) {
	if (pointIds.length === 0 || periodKeys.length === 0) return [];
	const rows = await db
		.selectFrom('point_indicators')
		.select(['point_id', 'period_key', 'indicator', 'value', 'status'])
		.where('point_id', 'in', pointIds)
		.where('period_key', 'in', periodKeys)
		.$if(!!indicators, (q) => q.where('indicator', 'in', indicators!))
		.execute();
	return rows.map((r) => ({
		point_id: r.point_id,
		period_key: r.period_key,
		indicator: r.indicator,
		total: r.value,
		points: 1,
		holding: r.status === 'holding' ? 1 : 0,
		watching: r.status === 'watch' ? 1 : 0,
		rebounding: r.status === 'rebounding' ? 1 : 0
	}));
}

/** Every indicator of a region (its kept sums) over a range of periods. */
export async function regionTrend(db: Db, code: string, range: TrendRange = {}): Promise<Trend> {
	const periods = periodsInRange(await listIndicatorPeriods(db), range);
	const rows = await keptRegionRows(
		db,
		[code],
		periods.map((p) => p.key)
	);
	return { periods, rows: rows.map(toKept) };
}

export async function pointTrend(db: Db, pointId: number, range: TrendRange = {}): Promise<Trend> {
	const periods = periodsInRange(await listIndicatorPeriods(db), range);
	const rows = await keptPointRows(
		db,
		[pointId],
		periods.map((p) => p.key)
	);
	return { periods, rows: rows.map(toKept) };
}

/** One kept row of a region or a point, without its owner. */
export interface KeptFigure {
	period_key: string;
	indicator: string;
	total: number;
	points: number;
	holding: number;
	watching: number;
	rebounding: number;
}

export const round1 = (n: number) => Math.round(n * 10) / 10;

/** A region's figure is the mean over the points that reported; a point's is its own value. */
export const meanOf = (r: KeptFigure | undefined) => (r && r.points > 0 ? round1(r.total / r.points) : null);

export interface KeptChild {
	code: string;
	name: string;
	/** Set when the child is a point (a township's villages and communities). */
	pointId: number | null;
	rows: KeptFigure[];
}

/**
 * The kept rows of a region's children for some periods: its child regions, or below a township
 * its points. Children with no points below them are left out.
 */
export async function keptChildren(
	db: Db,
	region: { code: string; level: number },
	periodKeys: string[],
	indicators?: string[]
): Promise<KeptChild[]> {
	if (periodKeys.length === 0) return [];
	let children: { code: string; name: string; pointId: number | null }[];
	let rows: (KeptFigure & { owner: string })[];
	if (region.level + 1 >= VILLAGE_LEVEL) {
		const points = await db
			.selectFrom('points')
			.innerJoin('regions', 'regions.code', 'points.region_code')
			.select(['points.id as pointId', 'regions.code', 'regions.name'])
			.where('points.region_code', 'like', `${region.code}%`)
			.orderBy('regions.code')
			.execute();
		children = points;
		const kept = await keptPointRows(
			db,
			points.map((p) => p.pointId),
			periodKeys,
			indicators
		);
		rows = kept.map((r) => ({ ...r, owner: String(r.point_id) }));
	} else {
		const regions = await db
			.selectFrom('regions')
			.select(['code', 'name'])
			.where('parent_code', '=', region.code)
			.orderBy('code')
			.execute();
		children = regions.map((r) => ({ ...r, pointId: null }));
		const kept = await keptRegionRows(
			db,
			regions.map((r) => r.code),
			periodKeys,
			indicators
		);
		rows = kept.map((r) => ({ ...r, owner: r.region_code }));
	}
	const byOwner = new Map<string, KeptFigure[]>();
	for (const r of rows) {
		const list = byOwner.get(r.owner) ?? [];
		list.push(r);
		byOwner.set(r.owner, list);
	}
	return children
		.map((c) => ({ ...c, rows: byOwner.get(c.pointId === null ? c.code : String(c.pointId)) ?? [] }))
		.filter((c) => c.rows.length > 0);
}

export interface SensitivityPreview {
	/** The latest period with judged points (of the kind last used), or null with no data. */
	period: string | null;
	points: number;
	/** Points rebounding and watched overall at that period under each sensitivity. */
	counts: Record<Sensitivity, { rebounding: number; watch: number }>;
}

/**
 * What each sensitivity would flag at the latest period, read from the overall rows (each keeps
 * the point's standing under all three), so an admin sees it before choosing.
 */
export async function sensitivityPreview(db: Db): Promise<SensitivityPreview> {
	const counts = Object.fromEntries(
		SENSITIVITIES.map((s) => [s, { rebounding: 0, watch: 0 }])
	) as SensitivityPreview['counts'];
	// The newest period whose round has closed, as the dashboard shows by default (an open round
	// has only its register figures yet); each look is one range of the (period, status) index.
	const closed = await db
		.selectFrom('rounds')
		.select((eb) => eb.fn.max('period_end').as('end'))
		.where('status', '=', 'closed')
		.executeTakeFirst();
	const closedEnd = (closed?.end as string | null | undefined) ?? null;
	let latest: string | null = null;
	for (const p of (await listIndicatorPeriods(db)).reverse()) {
		if (closedEnd && p.end > closedEnd) continue;
		const judged = await db
			.selectFrom('point_indicators')
			.select('point_id')
			.where('period_key', '=', p.key)
			.where('status', 'in', ['holding', 'watch', 'rebounding'])
			.where('indicator', '=', OVERALL)
			.limit(1)
			.executeTakeFirst();
		if (judged) {
			latest = p.key;
			break;
		}
	}
	if (!latest) return { period: null, points: 0, counts };
	const rows = await db
		.selectFrom('point_indicators')
		.select(['statuses'])
		.where('period_key', '=', latest)
		.where('indicator', '=', OVERALL)
		.execute();
	for (const r of rows) {
		SENSITIVITIES.forEach((s, i) => {
			const status = statusOfLetter(r.statuses?.[i]);
			if (status === 'rebounding') counts[s].rebounding++;
			if (status === 'watch') counts[s].watch++;
		});
	}
	return { period: latest, points: rows.length, counts };
}
