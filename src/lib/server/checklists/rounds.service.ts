import { isIsoDate, periodRange, type PeriodKind } from '../../domain/periods';
import { levelOfCode, VILLAGE_LEVEL } from '../../domain/regions';
import { writeAudit } from '../audit/audit.repository';
import { now, type Db } from '../db';
import type { RoundRow } from '../db/schema';
import { findRegion } from '../regions/regions.repository';
import { pointChanged } from '../trends/indicators.service';

export type RoundProblem =
	| { field: 'period'; code: 'bad_period' }
	| { field: 'periodEnd'; code: 'end_before_start' }
	| { field: 'templateVersionId'; code: 'not_published' }
	| { field: 'targetRegion'; code: 'unknown_region' }
	| { field: 'dueOn'; code: 'due_before_open' }
	| { field: 'opensOn' | 'dueOn'; code: 'bad_date' };

export class RoundInputError extends Error {
	constructor(readonly problem: RoundProblem) {
		super(problem.code);
	}
}

export interface RoundInput {
	name: string;
	periodKind: PeriodKind;
	/** `2026-03` for a month, `2026-Q1` for a quarter; ignored for custom. */
	period?: string;
	periodStart?: string;
	periodEnd?: string;
	templateVersionId: number;
	targetRegion?: string | null;
	opensOn: string;
	dueOn: string;
}

export async function findRound(db: Db, id: number): Promise<RoundRow | undefined> {
	return db.selectFrom('rounds').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function createRound(db: Db, actorId: number | null, input: RoundInput): Promise<number> {
	let range: { start: string; end: string } | null;
	if (input.periodKind === 'custom') {
		if (
			!input.periodStart ||
			!input.periodEnd ||
			!isIsoDate(input.periodStart) ||
			!isIsoDate(input.periodEnd)
		)
			throw new RoundInputError({ field: 'period', code: 'bad_period' });
		if (input.periodEnd < input.periodStart)
			throw new RoundInputError({ field: 'periodEnd', code: 'end_before_start' });
		range = { start: input.periodStart, end: input.periodEnd };
	} else {
		range = periodRange(input.periodKind, input.period ?? '');
		if (!range) throw new RoundInputError({ field: 'period', code: 'bad_period' });
	}
	if (!isIsoDate(input.opensOn)) throw new RoundInputError({ field: 'opensOn', code: 'bad_date' });
	if (!isIsoDate(input.dueOn)) throw new RoundInputError({ field: 'dueOn', code: 'bad_date' });
	if (input.dueOn < input.opensOn) throw new RoundInputError({ field: 'dueOn', code: 'due_before_open' });
	return db.transaction().execute(async (trx) => {
		const version = await trx
			.selectFrom('template_versions')
			.select(['id', 'status'])
			.where('id', '=', input.templateVersionId)
			.executeTakeFirst();
		if (!version || version.status !== 'published')
			throw new RoundInputError({ field: 'templateVersionId', code: 'not_published' });
		const target = input.targetRegion || null;
		if (target) {
			const region = levelOfCode(target) ? await findRegion(trx, target) : undefined;
			if (!region || region.level >= VILLAGE_LEVEL)
				throw new RoundInputError({ field: 'targetRegion', code: 'unknown_region' });
		}
		const row = {
			name: input.name.trim(),
			period_kind: input.periodKind,
			period_start: range.start,
			period_end: range.end,
			template_version_id: version.id,
			target_region_code: target,
			opens_on: input.opensOn,
			due_on: input.dueOn,
			status: 'draft' as const,
			created_by: actorId,
			created_at: now()
		};
		const { id } = await trx.insertInto('rounds').values(row).returning('id').executeTakeFirstOrThrow();
		await writeAudit(trx, {
			userId: actorId,
			action: 'round.create',
			entityType: 'round',
			entityId: id,
			changes: row
		});
		return id;
	});
}

/** Opening fixes the target points: every active point in the target region at this moment. */
export async function openRound(db: Db, actorId: number | null, roundId: number): Promise<boolean> {
	return db.transaction().execute(async (trx) => {
		const round = await findRound(trx, roundId);
		if (!round || round.status !== 'draft') return false;
		const points = await trx
			.selectFrom('points')
			.select('id')
			.where('active', '=', 1)
			.$if(!!round.target_region_code, (q) => q.where('region_code', 'like', `${round.target_region_code}%`))
			.execute();
		for (let i = 0; i < points.length; i += 500) {
			await trx
				.insertInto('round_targets')
				.values(points.slice(i, i + 500).map((p) => ({ round_id: roundId, point_id: p.id })))
				.execute();
		}
		await trx.updateTable('rounds').set({ status: 'open' }).where('id', '=', roundId).execute();
		await writeAudit(trx, {
			userId: actorId,
			action: 'round.open',
			entityType: 'round',
			entityId: roundId,
			changes: { targets: points.length }
		});
		await pointChanged(
			trx,
			points.map((p) => p.id)
		);
		return true;
	});
}

export async function closeRound(db: Db, actorId: number | null, roundId: number): Promise<boolean> {
	return db.transaction().execute(async (trx) => {
		const round = await findRound(trx, roundId);
		if (!round || round.status !== 'open') return false;
		await trx.updateTable('rounds').set({ status: 'closed' }).where('id', '=', roundId).execute();
		await writeAudit(trx, { userId: actorId, action: 'round.close', entityType: 'round', entityId: roundId });
		return true;
	});
}

/** Rounds that touch a region's subtree: aimed at all points, at an ancestor, or inside it. */
export async function listRoundsFor(db: Db, regionCode: string | null) {
	return db
		.selectFrom('rounds')
		.selectAll()
		.$if(!!regionCode, (q) =>
			q.where((eb) =>
				eb.or([
					eb('target_region_code', 'is', null),
					eb(
						eb.val(regionCode!),
						'like',
						eb.fn<string>('concat', [eb.ref('target_region_code'), eb.val('%')])
					),
					eb('target_region_code', 'like', `${regionCode}%`)
				])
			)
		)
		.orderBy('period_start', 'desc')
		.orderBy('id', 'desc')
		.execute();
}

/** Open rounds that ask this point, with the point's submission if it has one. */
export async function listOpenRoundsForPoint(db: Db, pointId: number) {
	return db
		.selectFrom('round_targets')
		.innerJoin('rounds', 'rounds.id', 'round_targets.round_id')
		.leftJoin('submissions', (j) =>
			j.onRef('submissions.round_id', '=', 'rounds.id').on('submissions.point_id', '=', pointId)
		)
		.select([
			'rounds.id',
			'rounds.name',
			'rounds.period_start as periodStart',
			'rounds.period_end as periodEnd',
			'rounds.due_on as dueOn',
			'submissions.id as submissionId',
			'submissions.status as submissionStatus',
			'submissions.late'
		])
		.where('round_targets.point_id', '=', pointId)
		.where('rounds.status', '=', 'open')
		.orderBy('rounds.due_on')
		.execute();
}
