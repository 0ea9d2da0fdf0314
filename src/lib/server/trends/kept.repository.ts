// The kept figures' tables: each point's rows (point_indicators), the sums kept for every region
// above it (region_indicators), the periods they cover, the rule they were made by, and the
// "next" copies a rebuild fills before it swaps them in. SQL only: the rules are in
// indicators.service.ts.
import { PostgresAdapter, sql } from 'kysely';
import { DEFAULT_TREND_RULE, trendRuleOf, type TrendRule } from '../../domain/indicators';
import type { PeriodKind } from '../../domain/periods';
import type { SpreadSums } from '../../domain/rebound';
import type { PeriodView } from '../../domain/trend-view';
import type { Db } from '../db';
import { jsonFromColumn, toJsonColumn } from '../db/json-columns';
import type { IndicatorPeriodsTable, PointIndicatorsTable, RegionIndicatorsTable } from '../db/schema';

const RULE_KEY = 'trend_rule';
const WRITE_BATCH = 500;

/** Where kept figures are written: the tables everyone reads, or the ones a rebuild fills. */
export type KeptTarget = 'live' | 'next';
const TABLES = {
	live: { point: 'point_indicators', region: 'region_indicators' },
	next: { point: 'point_indicators_next', region: 'region_indicators_next' }
} as const;

export type PointRow = PointIndicatorsTable;
export type RegionRow = RegionIndicatorsTable;
export type PointRowKey = Pick<PointRow, 'point_id' | 'period_key' | 'indicator'>;

/** A stored rule (the setting, or a rebuild's): unreadable or missing parts are the default. */
export function ruleFromColumn(stored: unknown): TrendRule {
	try {
		return trendRuleOf(jsonFromColumn<unknown>(stored, null));
	} catch {
		return { ...DEFAULT_TREND_RULE };
	}
}

export const ruleToColumn = (rule: TrendRule): string => toJsonColumn(rule);

// ---- The rule in force ----------------------------------------------------------------------

export async function readTrendRule(db: Db): Promise<TrendRule> {
	const row = await db
		.selectFrom('app_settings')
		.select('value')
		.where('key', '=', RULE_KEY)
		.executeTakeFirst();
	return ruleFromColumn(row?.value);
}

export async function writeTrendRule(db: Db, rule: TrendRule): Promise<void> {
	const value = ruleToColumn(rule);
	await db
		.insertInto('app_settings')
		.values({ key: RULE_KEY, value })
		.onConflict((oc) => oc.column('key').doUpdateSet({ value }))
		.execute();
}

// ---- Periods --------------------------------------------------------------------------------

export async function listIndicatorPeriods(db: Db): Promise<PeriodView[]> {
	const rows = await db
		.selectFrom('indicator_periods')
		.selectAll()
		.orderBy('end_date')
		.orderBy('start_date', 'desc')
		.execute();
	return rows.map((r) => ({ key: r.key, kind: r.kind, start: r.start_date, end: r.end_date }));
}

export async function periodStart(db: Db, key: string): Promise<string | null> {
	const row = await db
		.selectFrom('indicator_periods')
		.select('start_date')
		.where('key', '=', key)
		.executeTakeFirst();
	return row?.start_date ?? null;
}

export async function countIndicatorPeriods(db: Db): Promise<number> {
	const row = await db
		.selectFrom('indicator_periods')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/** Records the periods (new keys only), in batches. */
export async function rememberPeriods(
	db: Db,
	periods: { key: string; kind: IndicatorPeriodsTable['kind']; start: string; end: string }[]
): Promise<void> {
	for (let i = 0; i < periods.length; i += WRITE_BATCH) {
		await db
			.insertInto('indicator_periods')
			.values(
				periods
					.slice(i, i + WRITE_BATCH)
					.map((p) => ({ key: p.key, kind: p.kind, start_date: p.start, end_date: p.end }))
			)
			.onConflict((oc) => oc.column('key').doNothing())
			.execute();
	}
}

// ---- Points' rows and regions' sums ---------------------------------------------------------

/**
 * Two writers refreshing the same points must not both add a difference computed from the same
 * old rows. SQLite has one writer at a time; PostgreSQL needs the rows locked.
 */
export async function lockPoints(db: Db, pointIds: number[]): Promise<void> {
	if (db.getExecutor().adapter instanceof PostgresAdapter)
		await db.selectFrom('points').select('id').where('id', 'in', pointIds).forUpdate().execute();
}

/** The kept rows of some points, by point. */
export async function pointRowsOf(
	db: Db,
	target: KeptTarget,
	pointIds: number[]
): Promise<Map<number, PointRow[]>> {
	const rows = await db
		.selectFrom(TABLES[target].point)
		.selectAll()
		.where('point_id', 'in', pointIds)
		.execute();
	const byPoint = new Map<number, PointRow[]>();
	for (const r of rows) {
		const list = byPoint.get(r.point_id) ?? [];
		list.push(r);
		byPoint.set(r.point_id, list);
	}
	return byPoint;
}

/** Removes rows no longer computed and writes the changed ones (replacing any there, if `mayExist`). */
export async function writePointRows(
	db: Db,
	target: KeptTarget,
	upserts: PointRow[],
	removals: PointRowKey[],
	mayExist: boolean
): Promise<void> {
	const table = TABLES[target].point;
	for (const r of removals) {
		await db
			.deleteFrom(table)
			.where('point_id', '=', r.point_id)
			.where('period_key', '=', r.period_key)
			.where('indicator', '=', r.indicator)
			.execute();
	}
	for (let i = 0; i < upserts.length; i += WRITE_BATCH) {
		const batch = upserts.slice(i, i + WRITE_BATCH);
		let q = db.insertInto(table).values(batch);
		if (mayExist)
			q = q.onConflict((oc) =>
				oc.columns(['point_id', 'period_key', 'indicator']).doUpdateSet({
					value: sql`excluded.value`,
					status: sql`excluded.status`,
					reason: sql`excluded.reason`,
					level: sql`excluded.level`,
					upper: sql`excluded.upper`,
					recent: sql`excluded.recent`,
					span: sql`excluded.span`,
					history: sql`excluded.history`,
					statuses: sql`excluded.statuses`,
					submission_id: sql`excluded.submission_id`
				})
			);
		await q.execute();
	}
}

/** Adds each difference to its region's kept sums (a new row when the region has none yet). */
export async function addRegionDeltas(db: Db, target: KeptTarget, deltas: RegionRow[]): Promise<void> {
	const table = TABLES[target].region;
	const column = (c: string) => sql.ref(`${table}.${c}`);
	for (let i = 0; i < deltas.length; i += WRITE_BATCH) {
		await db
			.insertInto(table)
			.values(deltas.slice(i, i + WRITE_BATCH))
			.onConflict((oc) =>
				oc.columns(['region_code', 'period_key', 'indicator']).doUpdateSet({
					total: sql`${column('total')} + excluded.total`,
					points: sql`${column('points')} + excluded.points`,
					holding: sql`${column('holding')} + excluded.holding`,
					watching: sql`${column('watching')} + excluded.watching`,
					rebounding: sql`${column('rebounding')} + excluded.rebounding`
				})
			)
			.execute();
	}
}

// ---- The next tables ------------------------------------------------------------------------

/** Up to `limit` points that have rows in the next tables, lowest id first. */
export async function nextTablePoints(db: Db, limit: number): Promise<number[]> {
	const rows = await db
		.selectFrom(TABLES.next.point)
		.select('point_id')
		.distinct()
		.orderBy('point_id')
		.limit(limit)
		.execute();
	return rows.map((r) => r.point_id);
}

export async function deleteNextPointRows(db: Db, pointIds: number[]): Promise<void> {
	await db.deleteFrom(TABLES.next.point).where('point_id', 'in', pointIds).execute();
}

export async function deleteNextRegionRows(db: Db): Promise<void> {
	await db.deleteFrom(TABLES.next.region).execute();
}

/** The next tables become the live ones, and the live ones the next (to be cleared). */
export async function swapKeptTables(db: Db): Promise<void> {
	for (const [live, next] of [
		[TABLES.live.point, TABLES.next.point],
		[TABLES.live.region, TABLES.next.region]
	] as const) {
		await db.schema.alterTable(live).renameTo(`${live}_swap`).execute();
		await db.schema.alterTable(next).renameTo(live).execute();
		await db.schema.alterTable(`${live}_swap`).renameTo(next).execute();
	}
}

// ---- The spread across points ------------------------------------------------------------------

export interface SpreadSumsRow extends SpreadSums {
	indicator: string;
	kind: PeriodKind;
}

/**
 * For each indicator and kind of period, over every point's periods in force that held or were
 * watched: the steps from one such period to the point's next, their squared changes and totals.
 * Over a range of points, so that no one query holds the (synchronous) database for long.
 */
export async function spreadSums(
	db: Db,
	indicators: readonly string[],
	points: { from: number; through: number }
): Promise<SpreadSumsRow[]> {
	if (!indicators.length) return [];
	const { rows } = await sql<{
		indicator: string;
		kind: PeriodKind;
		squares: number;
		totals: number;
		steps: number;
	}>`
		select indicator, kind,
			sum((value - prev) * (value - prev)) as squares, sum(value + prev) as totals, count(*) as steps
		from (
			select pi.indicator, ip.kind, pi.value,
				lag(pi.value) over (partition by pi.point_id, pi.indicator, ip.kind order by ip.end_date) as prev
			from point_indicators pi join indicator_periods ip on ip.key = pi.period_key
			where pi.point_id between ${points.from} and ${points.through}
				and pi.indicator in (${sql.join(indicators)}) and pi.status in ('holding', 'watch')
		) steps
		where prev is not null
		group by indicator, kind`.execute(db);
	return rows.map((r) => ({
		indicator: r.indicator,
		kind: r.kind,
		squares: Number(r.squares),
		totals: Number(r.totals),
		steps: Number(r.steps)
	}));
}
