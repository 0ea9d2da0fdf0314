// The rebuilds of every kept figure: queued, running (with how far it has got), then done,
// superseded by a later one, or failed. SQL only: the worker's steps are in indicators.service.ts.
import type { TrendRule } from '../../domain/indicators';
import { now, type Db } from '../db';
import { ruleFromColumn, ruleToColumn } from './kept.repository';

export interface RebuildRow {
	id: number;
	status: 'queued' | 'running';
	rule: TrendRule;
	reason: string;
	doneThrough: number;
	donePoints: number;
	totalPoints: number;
}

/** The latest rebuild waiting or under way, if any. */
export async function findPendingRebuild(db: Db): Promise<RebuildRow | null> {
	const row = await db
		.selectFrom('rebuilds')
		.selectAll()
		.where('status', 'in', ['queued', 'running'])
		.orderBy('id', 'desc')
		.executeTakeFirst();
	if (!row) return null;
	return {
		id: row.id,
		status: row.status as RebuildRow['status'],
		rule: ruleFromColumn(row.rule),
		reason: row.reason,
		doneThrough: row.done_through,
		donePoints: row.done_points,
		totalPoints: row.total_points
	};
}

/** The rebuild under way: its rule and the last point it has done. */
export async function findRunningRebuild(db: Db): Promise<{ rule: TrendRule; doneThrough: number } | null> {
	const row = await db
		.selectFrom('rebuilds')
		.select(['rule', 'done_through'])
		.where('status', '=', 'running')
		.executeTakeFirst();
	return row ? { rule: ruleFromColumn(row.rule), doneThrough: row.done_through } : null;
}

/** The latest queued rebuild, if any. */
export async function findQueuedRebuild(db: Db): Promise<{ id: number; rule: TrendRule } | null> {
	const row = await db
		.selectFrom('rebuilds')
		.select(['id', 'rule'])
		.where('status', '=', 'queued')
		.orderBy('id', 'desc')
		.executeTakeFirst();
	return row ? { id: row.id, rule: ruleFromColumn(row.rule) } : null;
}

export async function supersedePendingRebuilds(db: Db): Promise<void> {
	await db
		.updateTable('rebuilds')
		.set({ status: 'superseded', finished_at: now() })
		.where('status', 'in', ['queued', 'running'])
		.execute();
}

export async function insertRebuild(
	db: Db,
	input: { rule: TrendRule; reason: string; actorId: number | null }
): Promise<number> {
	const row = await db
		.insertInto('rebuilds')
		.values({
			rule: ruleToColumn(input.rule),
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

/**
 * Marks a queued rebuild running from its first point, with the rule it runs by (the pooled
 * spreads read at its start added); false when another took it first.
 */
export async function claimRebuild(
	db: Db,
	id: number,
	totalPoints: number,
	rule: TrendRule
): Promise<boolean> {
	const claimed = await db
		.updateTable('rebuilds')
		.set({
			status: 'running',
			started_at: now(),
			total_points: totalPoints,
			done_through: 0,
			done_points: 0,
			rule: ruleToColumn(rule)
		})
		.where('id', '=', id)
		.where('status', '=', 'queued')
		.executeTakeFirst();
	return Number(claimed.numUpdatedRows) > 0;
}

export async function isRebuildRunning(db: Db, id: number): Promise<boolean> {
	const row = await db
		.selectFrom('rebuilds')
		.select('id')
		.where('id', '=', id)
		.where('status', '=', 'running')
		.executeTakeFirst();
	return !!row;
}

/** Records a chunk done: every point up to `through`, `count` more points. */
export async function advanceRebuild(db: Db, id: number, through: number, count: number): Promise<void> {
	await db
		.updateTable('rebuilds')
		.set((eb) => ({ done_through: through, done_points: eb('done_points', '+', count) }))
		.where('id', '=', id)
		.execute();
}

export async function markRebuildDone(db: Db, id: number): Promise<void> {
	await db.updateTable('rebuilds').set({ status: 'done', finished_at: now() }).where('id', '=', id).execute();
}

export async function markRebuildFailed(db: Db, id: number, error: string): Promise<void> {
	await db
		.updateTable('rebuilds')
		.set({ status: 'failed', error, finished_at: now() })
		.where('id', '=', id)
		.where('status', '=', 'running')
		.execute();
}

/** At start-up: a rebuild a restart interrupted waits to start again from its first point. */
export async function requeueRunningRebuilds(db: Db): Promise<void> {
	await db
		.updateTable('rebuilds')
		.set({ status: 'queued', done_through: 0, done_points: 0 })
		.where('status', '=', 'running')
		.execute();
}

/** Finished rebuilds (done, superseded, failed) that ended before `before`; the sweep's. */
export async function deleteFinishedRebuilds(db: Db, before: Date): Promise<number> {
	const result = await db
		.deleteFrom('rebuilds')
		.where('status', 'in', ['done', 'superseded', 'failed'])
		.where('finished_at', '<', before.toISOString())
		.executeTakeFirst();
	return Number(result.numDeletedRows);
}
