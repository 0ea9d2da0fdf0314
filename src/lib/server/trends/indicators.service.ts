// Kept indicator figures. Every write that can change a point's indicators calls one of these in
// its own transaction, so the trends are current to the minute and never half-updated:
// refreshPointIndicators (a submission accepted or reopened, a register change),
// refreshRoundIndicators (a round opening), rebuildIndicatorsIn (the rule, or a catalogue entry
// moving between cancelled and kept, which changes every point).
import { PostgresAdapter, sql } from 'kysely';
import type { Answers, AnswerValue, ChecklistDefinition } from '../../domain/checklist';
import {
	DEFAULT_TREND_RULE,
	periodKeyOf,
	pointIndicatorRows,
	type PeriodInput,
	type PointIndicatorRow,
	type TrendRule
} from '../../domain/indicators';
import { lineageOf } from '../../domain/regions';
import type { PeriodView } from '../../domain/trend-view';
import { writeAudit } from '../audit/audit.repository';
import type { Db } from '../db';
import { emptyRegisterData, loadRegisterData } from '../registers/registers.queries';
import type { IndicatorPeriodsTable, PointIndicatorsTable, RegionIndicatorsTable } from '../db/schema';

const RULE_KEY = 'trend_rule';
const CHUNK = 200;
const WRITE_BATCH = 500;

export async function getTrendRule(db: Db): Promise<TrendRule> {
	const row = await db
		.selectFrom('app_settings')
		.select('value')
		.where('key', '=', RULE_KEY)
		.executeTakeFirst();
	if (!row) return { ...DEFAULT_TREND_RULE };
	try {
		return { ...DEFAULT_TREND_RULE, ...(JSON.parse(row.value) as Partial<TrendRule>) };
	} catch {
		return { ...DEFAULT_TREND_RULE };
	}
}

/** A new rule applies to every point and period at once: the kept figures are rebuilt with it. */
export async function setTrendRule(db: Db, actorId: number | null, rule: TrendRule): Promise<void> {
	await db.transaction().execute(async (trx) => {
		const before = await getTrendRule(trx);
		await trx
			.insertInto('app_settings')
			.values({ key: RULE_KEY, value: JSON.stringify(rule) })
			.onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(rule) }))
			.execute();
		await writeAudit(trx, {
			userId: actorId,
			action: 'trend_rule.update',
			entityType: 'trend_rule',
			entityId: null,
			changes: Object.fromEntries(
				(Object.keys(rule) as (keyof TrendRule)[])
					.filter((k) => before[k] !== rule[k])
					.map((k) => [k, [before[k], rule[k]]])
			)
		});
		await rebuildIndicatorsIn(trx);
	});
}

export async function listIndicatorPeriods(db: Db): Promise<PeriodView[]> {
	const rows = await db
		.selectFrom('indicator_periods')
		.selectAll()
		.orderBy('end_date')
		.orderBy('start_date', 'desc')
		.execute();
	return rows.map((r) => ({ key: r.key, kind: r.kind, start: r.start_date, end: r.end_date }));
}

export async function refreshPointIndicators(trx: Db, pointId: number): Promise<void> {
	await refreshPoints(trx, [pointId]);
}

/** Every point's figures from scratch, in one transaction (a rule change, a catalogue change). */
export async function rebuildIndicators(db: Db): Promise<{ points: number; periods: number; rows: number }> {
	// Offline (CLI, benchmark): millions of rows go in faster with the secondary index built once
	// afterwards. Not in a request's transaction, where dropping it would lock readers out.
	return db.transaction().execute((trx) => rebuildIndicatorsIn(trx, { rebuildIndex: true }));
}

/** The same, inside a caller's transaction. */
export async function rebuildIndicatorsIn(trx: Db, options: { rebuildIndex?: boolean } = {}) {
	await trx.deleteFrom('point_indicators').execute();
	await trx.deleteFrom('region_indicators').execute();
	const ids = (await trx.selectFrom('points').select('id').orderBy('id').execute()).map((r) => r.id);
	if (options.rebuildIndex) await trx.schema.dropIndex('point_indicators_rebounds').ifExists().execute();
	const rows = await refreshPoints(trx, ids, { fresh: true });
	if (options.rebuildIndex)
		await trx.schema
			.createIndex('point_indicators_rebounds')
			.on('point_indicators')
			.columns(['period_key', 'status', 'region_code'])
			.execute();
	const periods = await trx
		.selectFrom('indicator_periods')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return { points: ids.length, periods: Number(periods.n), rows };
}

/** Every point of a round, when it opens: their registers now count for its period. */
export async function refreshRoundIndicators(trx: Db, roundId: number): Promise<void> {
	const ids = await trx
		.selectFrom('round_targets')
		.select('point_id')
		.where('round_id', '=', roundId)
		.execute();
	await refreshPoints(
		trx,
		ids.map((r) => r.point_id)
	);
}

type Delta = Pick<RegionIndicatorsTable, 'total' | 'points' | 'holding' | 'rebounding'>;
type PointRow = PointIndicatorsTable;

const rowKey = (period: string, indicator: string) => `${period}\u0000${indicator}`;

function contribution(r: Pick<PointRow, 'value' | 'status'>, sign: 1 | -1): Delta {
	return {
		total: sign * r.value,
		points: sign,
		holding: r.status === 'holding' ? sign : 0,
		rebounding: r.status === 'rebounding' ? sign : 0
	};
}

const sameRow = (a: PointRow, b: PointRow) =>
	a.value === b.value &&
	a.best === b.best &&
	a.best_period === b.best_period &&
	a.status === b.status &&
	a.submission_id === b.submission_id;

/**
 * Recomputes the points' whole series, writes the rows that changed and adds the difference to
 * every region above each point. Returns the number of point rows written.
 */
async function refreshPoints(
	trx: Db,
	pointIds: number[],
	options: { fresh?: boolean } = {}
): Promise<number> {
	if (pointIds.length === 0) return 0;
	const rule = await getTrendRule(trx);
	// An admin picks the baseline from periods that exist, so it is known before any chunk.
	const baselineStart = rule.baselinePeriod
		? ((
				await trx
					.selectFrom('indicator_periods')
					.select('start_date')
					.where('key', '=', rule.baselinePeriod)
					.executeTakeFirst()
			)?.start_date ?? null)
		: null;
	const definitions = new Map<number, ChecklistDefinition | null>();
	const deltas = new Map<string, RegionIndicatorsTable>();
	let written = 0;

	for (let i = 0; i < pointIds.length; i += CHUNK) {
		const chunk = pointIds.slice(i, i + CHUNK);
		// Two writers refreshing the same point must not both add a difference computed from the
		// same old rows. SQLite has one writer at a time; PostgreSQL needs the rows locked.
		if (trx.getExecutor().adapter instanceof PostgresAdapter)
			await trx.selectFrom('points').select('id').where('id', 'in', chunk).forUpdate().execute();
		const data = await loadChunk(trx, chunk);
		await rememberPeriods(trx, data.periods);
		await loadDefinitions(trx, data.versionIds, definitions);
		const existing = options.fresh ? new Map<number, PointRow[]>() : await existingRows(trx, chunk);

		const upserts: PointRow[] = [];
		const removals: { point_id: number; period_key: string; indicator: string }[] = [];
		for (const point of data.points) {
			const periods: PeriodInput[] = (data.targets.get(point.id) ?? []).map((t) => {
				const submission = data.submissions.get(`${point.id}:${t.roundId}`);
				return {
					key: t.key,
					kind: t.kind,
					start: t.start,
					end: t.end,
					submission: submission
						? {
								id: submission.id,
								answers: submission.answers,
								definition: definitions.get(t.versionId) ?? null
							}
						: null
				};
			});
			const computed = pointIndicatorRows(
				dedupePeriods(periods),
				data.registers.get(point.id) ?? emptyRegisterData(),
				rule,
				baselineStart
			).map((r) => toRow(point, r));
			const before = new Map(
				(existing.get(point.id) ?? []).map((r) => [rowKey(r.period_key, r.indicator), r])
			);
			const ancestors = lineageOf(point.region_code).slice(0, -1);
			const add = (period: string, indicator: string, d: Delta) => {
				for (const code of ancestors) {
					const key = `${code}\u0000${period}\u0000${indicator}`;
					const acc = deltas.get(key) ?? {
						region_code: code,
						period_key: period,
						indicator,
						total: 0,
						points: 0,
						holding: 0,
						rebounding: 0
					};
					acc.total += d.total;
					acc.points += d.points;
					acc.holding += d.holding;
					acc.rebounding += d.rebounding;
					deltas.set(key, acc);
				}
			};
			for (const row of computed) {
				const key = rowKey(row.period_key, row.indicator);
				const old = before.get(key);
				before.delete(key);
				if (old && sameRow(old, row)) continue;
				if (old) add(old.period_key, old.indicator, contribution(old, -1));
				add(row.period_key, row.indicator, contribution(row, 1));
				upserts.push(row);
			}
			for (const old of before.values()) {
				add(old.period_key, old.indicator, contribution(old, -1));
				removals.push({ point_id: old.point_id, period_key: old.period_key, indicator: old.indicator });
			}
		}
		await writePointRows(trx, upserts, removals, !options.fresh);
		written += upserts.length;
	}
	await writeDeltas(trx, [...deltas.values()]);
	return written;
}

function toRow(point: { id: number; region_code: string }, r: PointIndicatorRow): PointRow {
	return {
		point_id: point.id,
		region_code: point.region_code,
		period_key: r.period,
		indicator: r.indicator,
		value: r.value,
		best: r.best,
		best_period: r.bestPeriod,
		status: r.status,
		submission_id: r.submissionId
	};
}

/** Two rounds for the same period (say a county's and the province's): the later one counts. */
function dedupePeriods(periods: PeriodInput[]): PeriodInput[] {
	const byKey = new Map<string, PeriodInput>();
	for (const p of periods) {
		const seen = byKey.get(p.key);
		if (
			!seen ||
			(!seen.submission && p.submission) ||
			(p.submission && seen.submission && p.submission.id > seen.submission.id)
		)
			byKey.set(p.key, p);
	}
	return [...byKey.values()];
}

interface TargetPeriod {
	roundId: number;
	versionId: number;
	key: string;
	kind: IndicatorPeriodsTable['kind'];
	start: string;
	end: string;
}

async function loadChunk(trx: Db, chunk: number[]) {
	const [points, targetRows, answerRows, registers] = await Promise.all([
		trx.selectFrom('points').select(['id', 'region_code']).where('id', 'in', chunk).execute(),
		trx
			.selectFrom('round_targets as t')
			.innerJoin('rounds as r', 'r.id', 't.round_id')
			.select([
				't.point_id',
				'r.id',
				'r.template_version_id',
				'r.period_kind',
				'r.period_start',
				'r.period_end'
			])
			.where('t.point_id', 'in', chunk)
			.where('r.status', '!=', 'draft')
			.execute(),
		trx
			.selectFrom('answers as a')
			.innerJoin('submissions as s', 's.id', 'a.submission_id')
			.select(['s.id', 's.point_id', 's.round_id', 'a.item_key', 'a.value'])
			.where('s.point_id', 'in', chunk)
			.where('s.status', '=', 'accepted')
			.execute(),
		loadRegisterData(trx, chunk)
	]);

	const targets = new Map<number, TargetPeriod[]>();
	const periods = new Map<string, Omit<TargetPeriod, 'roundId' | 'versionId'>>();
	const versionIds = new Set<number>();
	for (const t of targetRows) {
		const ref = { kind: t.period_kind, start: t.period_start, end: t.period_end };
		const period = { key: periodKeyOf(ref), ...ref };
		periods.set(period.key, period);
		versionIds.add(t.template_version_id);
		const list = targets.get(t.point_id) ?? [];
		list.push({ roundId: t.id, versionId: t.template_version_id, ...period });
		targets.set(t.point_id, list);
	}

	const submissions = new Map<string, { id: number; answers: Answers }>();
	for (const a of answerRows) {
		const key = `${a.point_id}:${a.round_id}`;
		let s = submissions.get(key);
		if (!s) submissions.set(key, (s = { id: a.id, answers: {} }));
		s.answers[a.item_key] = JSON.parse(a.value) as AnswerValue;
	}

	return { points, targets, periods: [...periods.values()], versionIds, submissions, registers };
}

async function rememberPeriods(trx: Db, periods: Omit<TargetPeriod, 'roundId' | 'versionId'>[]) {
	for (let i = 0; i < periods.length; i += WRITE_BATCH) {
		await trx
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

async function loadDefinitions(trx: Db, ids: Set<number>, cache: Map<number, ChecklistDefinition | null>) {
	const missing = [...ids].filter((id) => !cache.has(id));
	if (missing.length === 0) return;
	const rows = await trx
		.selectFrom('template_versions')
		.select(['id', 'definition'])
		.where('id', 'in', missing)
		.execute();
	for (const r of rows) cache.set(r.id, JSON.parse(r.definition) as ChecklistDefinition);
}

async function existingRows(trx: Db, chunk: number[]) {
	const rows = await trx.selectFrom('point_indicators').selectAll().where('point_id', 'in', chunk).execute();
	const byPoint = new Map<number, PointRow[]>();
	for (const r of rows) {
		const list = byPoint.get(r.point_id) ?? [];
		list.push(r);
		byPoint.set(r.point_id, list);
	}
	return byPoint;
}

async function writePointRows(
	trx: Db,
	upserts: PointRow[],
	removals: { point_id: number; period_key: string; indicator: string }[],
	mayExist: boolean
) {
	for (const r of removals) {
		await trx
			.deleteFrom('point_indicators')
			.where('point_id', '=', r.point_id)
			.where('period_key', '=', r.period_key)
			.where('indicator', '=', r.indicator)
			.execute();
	}
	for (let i = 0; i < upserts.length; i += WRITE_BATCH) {
		const batch = upserts.slice(i, i + WRITE_BATCH);
		let q = trx.insertInto('point_indicators').values(batch);
		if (mayExist)
			q = q.onConflict((oc) =>
				oc.columns(['point_id', 'period_key', 'indicator']).doUpdateSet({
					value: sql`excluded.value`,
					best: sql`excluded.best`,
					best_period: sql`excluded.best_period`,
					status: sql`excluded.status`,
					submission_id: sql`excluded.submission_id`
				})
			);
		await q.execute();
	}
}

async function writeDeltas(trx: Db, deltas: RegionIndicatorsTable[]) {
	const changed = deltas.filter(
		(d) => d.total !== 0 || d.points !== 0 || d.holding !== 0 || d.rebounding !== 0
	);
	for (let i = 0; i < changed.length; i += WRITE_BATCH) {
		await trx
			.insertInto('region_indicators')
			.values(changed.slice(i, i + WRITE_BATCH))
			.onConflict((oc) =>
				oc.columns(['region_code', 'period_key', 'indicator']).doUpdateSet({
					total: sql`region_indicators.total + excluded.total`,
					points: sql`region_indicators.points + excluded.points`,
					holding: sql`region_indicators.holding + excluded.holding`,
					rebounding: sql`region_indicators.rebounding + excluded.rebounding`
				})
			)
			.execute();
	}
}
