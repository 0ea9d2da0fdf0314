// Kept indicator figures. Every write that can change a point's indicators calls pointChanged in
// its own transaction (a submission accepted or reopened, a register change, a round opening for
// its points), so the trends are current to the minute and never half-updated. A change that touches every point (the rule, a
// catalogue entry moving between cancelled and kept) queues a rebuild instead: a background job
// builds the next tables chunk by chunk, short transactions that let staff and reviewers write in
// between, keeps the points it has done current there too, and swaps them in when complete; until
// then everyone reads the old figures, marked as being recalculated.
import { PostgresAdapter, sql } from 'kysely';
import type { Answers, AnswerValue, ChecklistDefinition } from '../../domain/checklist';
import {
	DEFAULT_TREND_RULE,
	periodKeyOf,
	pointIndicatorRows,
	statusOfLetter,
	type PeriodInput,
	type PointIndicatorRow,
	type TrendRule
} from '../../domain/indicators';
import { SENSITIVITIES, type Sensitivity } from '../../domain/rebound';
import { lineageOf } from '../../domain/regions';
import type { PeriodView } from '../../domain/trend-view';
import { writeAudit } from '../audit/audit.repository';
import { now, type Db } from '../db';
import { worker } from '../jobs/worker';
import { emptyRegisterData, loadRegisterData } from '../registers/registers.queries';
import type { IndicatorPeriodsTable, PointIndicatorsTable, RegionIndicatorsTable } from '../db/schema';

const RULE_KEY = 'trend_rule';
const CHUNK = 200;
const WRITE_BATCH = 500;

/** Where kept figures are written: the tables everyone reads, or the ones a rebuild fills. */
type Target = 'live' | 'next';
const TABLES = {
	live: { point: 'point_indicators', region: 'region_indicators' },
	next: { point: 'point_indicators_next', region: 'region_indicators_next' }
} as const;

const rebuilds = worker('rebuild worker', drainRebuilds);

export function parseTrendRule(json: string | null | undefined): TrendRule {
	if (!json) return { ...DEFAULT_TREND_RULE };
	try {
		const raw = JSON.parse(json) as Partial<TrendRule>;
		return {
			baselinePeriod: typeof raw.baselinePeriod === 'string' ? raw.baselinePeriod : null,
			sensitivity: SENSITIVITIES.includes(raw.sensitivity as Sensitivity)
				? (raw.sensitivity as Sensitivity)
				: DEFAULT_TREND_RULE.sensitivity
		};
	} catch {
		return { ...DEFAULT_TREND_RULE };
	}
}

/** The rule the kept figures were made by. */
export async function getTrendRule(db: Db): Promise<TrendRule> {
	const row = await db
		.selectFrom('app_settings')
		.select('value')
		.where('key', '=', RULE_KEY)
		.executeTakeFirst();
	return parseTrendRule(row?.value);
}

/**
 * A new rule applies to every point and period: it is saved with a rebuild, and is in force
 * (everyone's figures switch) when the rebuild completes.
 */
export async function setTrendRule(db: Db, actorId: number | null, rule: TrendRule): Promise<number> {
	const id = await db.transaction().execute(async (trx) => {
		const before = (await pendingRebuild(trx))?.rule ?? (await getTrendRule(trx));
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
		return requestRebuild(trx, { reason: 'rule', actorId, rule });
	});
	rebuilds.start(db);
	return id;
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

/**
 * The one entry point for kept figures: the points whose submissions, registers or rounds changed
 * in this transaction. Refreshes the live figures, and a running rebuild's for the points it has
 * already done.
 */
export async function pointChanged(trx: Db, points: number | readonly number[]): Promise<void> {
	const pointIds = typeof points === 'number' ? [points] : [...points];
	if (!pointIds.length) return;
	await refreshPoints(trx, pointIds, { target: 'live' });
	const job = await trx
		.selectFrom('rebuilds')
		.select(['rule', 'done_through'])
		.where('status', '=', 'running')
		.executeTakeFirst();
	if (!job) return;
	const done = pointIds.filter((id) => id <= job.done_through);
	if (done.length) await refreshPoints(trx, done, { target: 'next', rule: parseTrendRule(job.rule) });
}

// ---- Rebuilds -------------------------------------------------------------------------------

/** A chunk's transaction aims at this long, so a writer waits at most about this for its turn. */
const CHUNK_TARGET_MS = 120;

export interface RebuildView {
	id: number;
	status: 'queued' | 'running';
	rule: TrendRule;
	reason: string;
	donePoints: number;
	totalPoints: number;
	/** 0–100. */
	progress: number;
}

/** The rebuild waiting or under way, if any: its rule is the one that will be in force. */
export async function pendingRebuild(db: Db): Promise<RebuildView | null> {
	const row = await db
		.selectFrom('rebuilds')
		.selectAll()
		.where('status', 'in', ['queued', 'running'])
		.orderBy('id', 'desc')
		.executeTakeFirst();
	if (!row) return null;
	return {
		id: row.id,
		status: row.status as 'queued' | 'running',
		rule: parseTrendRule(row.rule),
		reason: row.reason,
		donePoints: row.done_points,
		totalPoints: row.total_points,
		progress: row.total_points ? Math.floor((row.done_points / row.total_points) * 100) : 0
	};
}

/**
 * Queues a rebuild of every kept figure in the caller's transaction (any earlier one waiting or
 * running is superseded: the latest rule and catalogue win). Call startRebuilds after the commit.
 */
export async function requestRebuild(
	trx: Db,
	input: { reason: 'rule' | 'catalogue'; actorId: number | null; rule?: TrendRule }
): Promise<number> {
	const pending = await pendingRebuild(trx);
	const rule = input.rule ?? pending?.rule ?? (await getTrendRule(trx));
	await trx
		.updateTable('rebuilds')
		.set({ status: 'superseded', finished_at: now() })
		.where('status', 'in', ['queued', 'running'])
		.execute();
	const row = await trx
		.insertInto('rebuilds')
		.values({
			rule: JSON.stringify(rule),
			status: 'queued',
			reason: input.reason,
			done_through: 0,
			done_points: 0,
			total_points: 0,
			created_by: input.actorId,
			created_at: now()
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

/** Every point's figures from scratch, waiting for it (the demo, the benchmark, tests). */
export async function rebuildIndicators(db: Db): Promise<{ points: number; periods: number; rows: number }> {
	await db.transaction().execute((trx) => requestRebuild(trx, { reason: 'rule', actorId: null }));
	const rows = await kickRebuilds(db);
	const [points, periods] = await Promise.all([
		db
			.selectFrom('points')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow(),
		db
			.selectFrom('indicator_periods')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow()
	]);
	return { points: Number(points.n), periods: Number(periods.n), rows };
}

/** Starts the worker if it is idle; resolves (with the rows written) when no rebuild waits. */
export const kickRebuilds = (db: Db): Promise<number> => rebuilds.kick(db);
/** The same, not awaited (after a commit that queued a rebuild). */
export const startRebuilds = (db: Db): void => rebuilds.start(db);

/** At start-up: a rebuild a restart interrupted starts again from its first point. */
export async function resumeRebuilds(db: Db): Promise<void> {
	await db
		.updateTable('rebuilds')
		.set({ status: 'queued', done_through: 0, done_points: 0 })
		.where('status', '=', 'running')
		.execute();
	rebuilds.start(db);
}

const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

async function drainRebuilds(db: Db): Promise<number> {
	let written = 0;
	for (;;) {
		const job = await db
			.selectFrom('rebuilds')
			.selectAll()
			.where('status', '=', 'queued')
			.orderBy('id', 'desc')
			.executeTakeFirst();
		if (!job) return written;
		const total = await db
			.selectFrom('points')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow();
		const claimed = await db
			.updateTable('rebuilds')
			.set({
				status: 'running',
				started_at: now(),
				total_points: Number(total.n),
				done_through: 0,
				done_points: 0
			})
			.where('id', '=', job.id)
			.where('status', '=', 'queued')
			.executeTakeFirst();
		if (Number(claimed.numUpdatedRows) === 0) continue;
		try {
			written += await runRebuild(db, job.id, parseTrendRule(job.rule));
		} catch (e) {
			rebuilds.log(e);
			await db
				.updateTable('rebuilds')
				.set({ status: 'failed', error: String(e), finished_at: now() })
				.where('id', '=', job.id)
				.where('status', '=', 'running')
				.execute();
			await clearNext(db);
		}
	}
}

const stillRunning = async (trx: Db, id: number) =>
	!!(await trx
		.selectFrom('rebuilds')
		.select('id')
		.where('id', '=', id)
		.where('status', '=', 'running')
		.executeTakeFirst());

async function runRebuild(db: Db, id: number, rule: TrendRule): Promise<number> {
	await clearNext(db);
	let written = 0;
	let through = 0;
	let size = 4;
	for (;;) {
		const started = performance.now();
		const step = await db.transaction().execute(async (trx) => {
			if (!(await stillRunning(trx, id))) return null;
			const ids = (
				await trx
					.selectFrom('points')
					.select('id')
					.where('id', '>', through)
					.orderBy('id')
					.limit(size)
					.execute()
			).map((r) => r.id);
			if (ids.length === 0) {
				await swapIn(trx, id, rule);
				return { ids, rows: 0 };
			}
			const rows = await refreshPoints(trx, ids, { target: 'next', rule, fresh: true });
			await trx
				.updateTable('rebuilds')
				.set((eb) => ({ done_through: ids.at(-1)!, done_points: eb('done_points', '+', ids.length) }))
				.where('id', '=', id)
				.execute();
			return { ids, rows };
		});
		if (step === null) {
			await clearNext(db);
			return written;
		}
		written += step.rows;
		if (step.ids.length === 0) break;
		through = step.ids.at(-1)!;
		// Chunks sized to the time they take, so writers never wait long for their turn.
		const took = performance.now() - started;
		size = Math.max(1, Math.min(CHUNK, Math.round(size * Math.min(2, CHUNK_TARGET_MS / Math.max(took, 1)))));
		await yieldToRequests();
	}
	// The old figures are now in the next tables: cleared in small steps.
	await clearNext(db);
	return written;
}

/** The next tables become the live ones, and the rule they were made by is in force. */
async function swapIn(trx: Db, id: number, rule: TrendRule) {
	for (const [live, next] of [
		[TABLES.live.point, TABLES.next.point],
		[TABLES.live.region, TABLES.next.region]
	] as const) {
		await trx.schema.alterTable(live).renameTo(`${live}_swap`).execute();
		await trx.schema.alterTable(next).renameTo(live).execute();
		await trx.schema.alterTable(`${live}_swap`).renameTo(next).execute();
	}
	const value = JSON.stringify(rule);
	await trx
		.insertInto('app_settings')
		.values({ key: RULE_KEY, value })
		.onConflict((oc) => oc.column('key').doUpdateSet({ value }))
		.execute();
	await trx
		.updateTable('rebuilds')
		.set({ status: 'done', finished_at: now() })
		.where('id', '=', id)
		.execute();
}

/** Empties the next tables a point range at a time, so no one transaction holds writers long. */
async function clearNext(db: Db) {
	for (;;) {
		const batch = await db
			.selectFrom(TABLES.next.point)
			.select('point_id')
			.distinct()
			.orderBy('point_id')
			.limit(20)
			.execute();
		if (batch.length === 0) break;
		await db
			.deleteFrom(TABLES.next.point)
			.where(
				'point_id',
				'in',
				batch.map((r) => r.point_id)
			)
			.execute();
		await yieldToRequests();
	}
	await db.deleteFrom(TABLES.next.region).execute();
}

type Delta = Pick<RegionIndicatorsTable, 'total' | 'points' | 'holding' | 'watching' | 'rebounding'>;
type PointRow = PointIndicatorsTable;

const rowKey = (period: string, indicator: string) => `${period}\u0000${indicator}`;

function contribution(r: Pick<PointRow, 'value' | 'status'>, sign: 1 | -1): Delta {
	return {
		total: sign * r.value,
		points: sign,
		holding: r.status === 'holding' ? sign : 0,
		watching: r.status === 'watch' ? sign : 0,
		rebounding: r.status === 'rebounding' ? sign : 0
	};
}

const sameRow = (a: PointRow, b: PointRow) =>
	a.value === b.value &&
	a.status === b.status &&
	a.reason === b.reason &&
	a.level === b.level &&
	a.upper === b.upper &&
	a.recent === b.recent &&
	a.span === b.span &&
	a.history === b.history &&
	a.statuses === b.statuses &&
	a.submission_id === b.submission_id;

/**
 * Recomputes the points' whole series, writes the rows that changed and adds the difference to
 * every region above each point. Returns the number of point rows written.
 */
async function refreshPoints(
	trx: Db,
	pointIds: number[],
	options: { target: Target; rule?: TrendRule; fresh?: boolean }
): Promise<number> {
	if (pointIds.length === 0) return 0;
	const tables = TABLES[options.target];
	const rule = options.rule ?? (await getTrendRule(trx));
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
		const existing = options.fresh
			? new Map<number, PointRow[]>()
			: await existingRows(trx, tables.point, chunk);

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
						watching: 0,
						rebounding: 0
					};
					acc.total += d.total;
					acc.points += d.points;
					acc.holding += d.holding;
					acc.watching += d.watching;
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
		await writePointRows(trx, tables.point, upserts, removals, !options.fresh);
		written += upserts.length;
	}
	await writeDeltas(trx, tables.region, [...deltas.values()]);
	return written;
}

function toRow(point: { id: number; region_code: string }, r: PointIndicatorRow): PointRow {
	return {
		point_id: point.id,
		region_code: point.region_code,
		period_key: r.period,
		indicator: r.indicator,
		value: r.value,
		status: r.status,
		reason: r.reason,
		level: r.level,
		upper: r.upper,
		recent: r.recent,
		span: r.span,
		history: r.history,
		statuses: r.statuses,
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

async function existingRows(trx: Db, table: (typeof TABLES)[Target]['point'], chunk: number[]) {
	const rows = await trx.selectFrom(table).selectAll().where('point_id', 'in', chunk).execute();
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
	table: (typeof TABLES)[Target]['point'],
	upserts: PointRow[],
	removals: { point_id: number; period_key: string; indicator: string }[],
	mayExist: boolean
) {
	for (const r of removals) {
		await trx
			.deleteFrom(table)
			.where('point_id', '=', r.point_id)
			.where('period_key', '=', r.period_key)
			.where('indicator', '=', r.indicator)
			.execute();
	}
	for (let i = 0; i < upserts.length; i += WRITE_BATCH) {
		const batch = upserts.slice(i, i + WRITE_BATCH);
		let q = trx.insertInto(table).values(batch);
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

async function writeDeltas(
	trx: Db,
	table: (typeof TABLES)[Target]['region'],
	deltas: RegionIndicatorsTable[]
) {
	const changed = deltas.filter(
		(d) => d.total !== 0 || d.points !== 0 || d.holding !== 0 || d.watching !== 0 || d.rebounding !== 0
	);
	const column = (c: string) => sql.ref(`${table}.${c}`);
	for (let i = 0; i < changed.length; i += WRITE_BATCH) {
		await trx
			.insertInto(table)
			.values(changed.slice(i, i + WRITE_BATCH))
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
			.where('indicator', '=', 'overall')
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
		.where('indicator', '=', 'overall')
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
