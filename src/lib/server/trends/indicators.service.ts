// Kept indicator figures. Every write that can change a point's indicators calls pointChanged in
// its own transaction (a submission accepted or reopened, a register change, a round opening for
// its points), so the trends are current to the minute and never half-updated. A change that touches every point (the rule, a
// catalogue entry moving between cancelled and kept) queues a rebuild instead: a background job
// builds the next tables chunk by chunk, short transactions that let staff and reviewers write in
// between, keeps the points it has done current there too, and swaps them in when complete; until
// then everyone reads the old figures, marked as being recalculated.
import type { ChecklistDefinition } from '../../domain/checklist';
import {
	pointIndicatorRows,
	POOLED_INDICATORS,
	spreadKey,
	type PeriodInput,
	type PointIndicatorRow,
	type TrendRule
} from '../../domain/indicators';
import { pooledSpread, type PooledSpread, type SpreadSums } from '../../domain/rebound';
import { lineageOf } from '../../domain/regions';
import { writeAudit } from '../audit/audit.repository';
import type { Db } from '../db';
import { worker } from '../jobs/worker';
import { refuse } from '../refusal';
import { countPoints, loadChunkInputs, loadDefinitions, pointIdsAfter } from './kept-inputs.queries';
import {
	addRegionDeltas,
	countIndicatorPeriods,
	deleteNextPointRows,
	deleteNextRegionRows,
	lockPoints,
	nextTablePoints,
	periodStart,
	pointRowsOf,
	readTrendRule,
	rememberPeriods,
	spreadSums,
	swapKeptTables,
	writePointRows,
	writeTrendRule,
	type KeptTarget,
	type PointRow,
	type PointRowKey,
	type RegionRow
} from './kept.repository';
import {
	advanceRebuild,
	claimRebuild,
	findPendingRebuild,
	findQueuedRebuild,
	findRunningRebuild,
	insertRebuild,
	isRebuildRunning,
	markRebuildDone,
	markRebuildFailed,
	requeueRunningRebuilds,
	supersedePendingRebuilds
} from './rebuilds.repository';

export { listIndicatorPeriods } from './kept.repository';

const CHUNK = 200;

const rebuilds = worker('rebuild worker', drainRebuilds);

/** The rule the kept figures were made by. */
export const getTrendRule = (db: Db): Promise<TrendRule> => readTrendRule(db);

/**
 * A new rule applies to every point and period: it is saved with a rebuild, and is in force
 * (everyone's figures switch) when the rebuild completes. The baseline must be a period that has
 * figures (refused as `trend_baseline_unknown`).
 */
export async function setTrendRule(db: Db, actorId: number | null, rule: TrendRule): Promise<number> {
	const id = await db.transaction().execute(async (trx) => {
		if (rule.baselinePeriod && (await periodStart(trx, rule.baselinePeriod)) === null)
			refuse('baselinePeriod', 'trend_baseline_unknown');
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

/**
 * The one entry point for kept figures: the points whose submissions, registers or rounds changed
 * in this transaction. Refreshes the live figures, and a running rebuild's for the points it has
 * already done.
 */
export async function pointChanged(trx: Db, points: number | readonly number[]): Promise<void> {
	const pointIds = typeof points === 'number' ? [points] : [...points];
	if (!pointIds.length) return;
	await refreshPoints(trx, pointIds, { target: 'live' });
	const job = await findRunningRebuild(trx);
	if (!job) return;
	const done = pointIds.filter((id) => id <= job.doneThrough);
	if (done.length) await refreshPoints(trx, done, { target: 'next', rule: job.rule });
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
	const row = await findPendingRebuild(db);
	if (!row) return null;
	return {
		id: row.id,
		status: row.status,
		rule: row.rule,
		reason: row.reason,
		donePoints: row.donePoints,
		totalPoints: row.totalPoints,
		progress: row.totalPoints ? Math.floor((row.donePoints / row.totalPoints) * 100) : 0
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
	await supersedePendingRebuilds(trx);
	return insertRebuild(trx, { rule, reason: input.reason, actorId: input.actorId });
}

/** Every point's figures from scratch, waiting for it (the demo, the benchmark, tests). */
export async function rebuildIndicators(db: Db): Promise<{ points: number; periods: number; rows: number }> {
	await db.transaction().execute((trx) => requestRebuild(trx, { reason: 'rule', actorId: null }));
	const rows = await kickRebuilds(db);
	const [points, periods] = await Promise.all([countPoints(db), countIndicatorPeriods(db)]);
	return { points, periods, rows };
}

/** Starts the worker if it is idle; resolves (with the rows written) when no rebuild waits. */
export const kickRebuilds = (db: Db): Promise<number> => rebuilds.kick(db);
/** The same, not awaited (after a commit that queued a rebuild). */
export const startRebuilds = (db: Db): void => rebuilds.start(db);

/** At start-up: a rebuild a restart interrupted starts again from its first point. */
export async function resumeRebuilds(db: Db): Promise<void> {
	await requeueRunningRebuilds(db);
	rebuilds.start(db);
}

const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

async function drainRebuilds(db: Db): Promise<number> {
	let written = 0;
	for (;;) {
		const job = await findQueuedRebuild(db);
		if (!job) return written;
		const total = await countPoints(db);
		const rule = await withPooledSpreads(db, job.rule);
		if (!(await claimRebuild(db, job.id, total, rule))) continue;
		try {
			written += await runRebuild(db, job.id, rule);
		} catch (e) {
			rebuilds.log(e);
			await markRebuildFailed(db, job.id, String(e));
			await clearNext(db);
		}
	}
}

/**
 * The rule with each counted indicator's spread over all points, read from the figures in force
 * (the periods that held or were watched), so a point with few periods of its own is judged by
 * the spread its indicator has everywhere. The first rebuild has no figures to read: none.
 */
async function withPooledSpreads(db: Db, rule: TrendRule): Promise<TrendRule> {
	const { spreads: _old, ...chosen } = rule;
	const sums = new Map<string, SpreadSums>();
	let through = 0;
	for (;;) {
		const ids = await pointIdsAfter(db, through, CHUNK);
		if (ids.length === 0) break;
		for (const row of await spreadSums(db, POOLED_INDICATORS, { from: ids[0], through: ids.at(-1)! })) {
			const key = spreadKey(row.indicator, row.kind);
			const sum = sums.get(key) ?? { squares: 0, totals: 0, steps: 0 };
			sums.set(key, {
				squares: sum.squares + row.squares,
				totals: sum.totals + row.totals,
				steps: sum.steps + row.steps
			});
		}
		through = ids.at(-1)!;
		await yieldToRequests();
	}
	const spreads: Record<string, PooledSpread> = {};
	for (const [key, sum] of sums) {
		const pooled = pooledSpread(sum);
		if (pooled) spreads[key] = pooled;
	}
	return Object.keys(spreads).length ? { ...chosen, spreads } : chosen;
}

async function runRebuild(db: Db, id: number, rule: TrendRule): Promise<number> {
	await clearNext(db);
	let written = 0;
	let through = 0;
	let size = 4;
	for (;;) {
		const started = performance.now();
		const step = await db.transaction().execute(async (trx) => {
			if (!(await isRebuildRunning(trx, id))) return null;
			const ids = await pointIdsAfter(trx, through, size);
			if (ids.length === 0) {
				await swapIn(trx, id, rule);
				return { ids, rows: 0 };
			}
			const rows = await refreshPoints(trx, ids, { target: 'next', rule, fresh: true });
			await advanceRebuild(trx, id, ids.at(-1)!, ids.length);
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
	await swapKeptTables(trx);
	await writeTrendRule(trx, rule);
	await markRebuildDone(trx, id);
}

/** Empties the next tables a point range at a time, so no one transaction holds writers long. */
async function clearNext(db: Db) {
	for (;;) {
		const batch = await nextTablePoints(db, 20);
		if (batch.length === 0) break;
		await deleteNextPointRows(db, batch);
		await yieldToRequests();
	}
	await deleteNextRegionRows(db);
}

// ---- Refreshing points ----------------------------------------------------------------------

type Delta = Pick<RegionRow, 'total' | 'points' | 'holding' | 'watching' | 'rebounding'>;

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

const isZero = (d: Delta) =>
	d.total === 0 && d.points === 0 && d.holding === 0 && d.watching === 0 && d.rebounding === 0;

/**
 * Recomputes the points' whole series, writes the rows that changed and adds the difference to
 * every region above each point. Returns the number of point rows written.
 */
async function refreshPoints(
	trx: Db,
	pointIds: number[],
	options: { target: KeptTarget; rule?: TrendRule; fresh?: boolean }
): Promise<number> {
	if (pointIds.length === 0) return 0;
	const rule = options.rule ?? (await getTrendRule(trx));
	// An admin picks the baseline from periods that exist, so it is known before any chunk.
	const baselineStart = rule.baselinePeriod ? await periodStart(trx, rule.baselinePeriod) : null;
	const definitions = new Map<number, ChecklistDefinition | null>();
	const deltas = new Map<string, RegionRow>();
	let written = 0;

	for (let i = 0; i < pointIds.length; i += CHUNK) {
		const chunk = pointIds.slice(i, i + CHUNK);
		await lockPoints(trx, chunk);
		const data = await loadChunkInputs(trx, chunk);
		await rememberPeriods(trx, data.periods);
		await loadDefinitions(trx, data.versionIds, definitions);
		const existing = options.fresh
			? new Map<number, PointRow[]>()
			: await pointRowsOf(trx, options.target, chunk);

		const upserts: PointRow[] = [];
		const removals: PointRowKey[] = [];
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
				data.registers.get(point.id)!,
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
		await writePointRows(trx, options.target, upserts, removals, !options.fresh);
		written += upserts.length;
	}
	await addRegionDeltas(
		trx,
		options.target,
		[...deltas.values()].filter((d) => !isZero(d))
	);
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
