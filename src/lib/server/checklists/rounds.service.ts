// The rules of rounds: a period and dates that make sense, a published template version, a target
// region above village level; opening fixes the target points, closing ends the filling.
import { isIsoDate, periodRange, type PeriodKind } from '../../domain/periods';
import { levelOfCode, VILLAGE_LEVEL } from '../../domain/regions';
import { writeAudit } from '../audit/audit.repository';
import { now, type Db } from '../db';
import { refuse } from '../refusal';
import { findRegion } from '../regions/regions.repository';
import { pointChanged } from '../trends/indicators.service';
import {
	findRound,
	insertRound,
	insertTargets,
	listActivePointIds,
	setRoundStatus
} from './rounds.repository';
import { findVersion } from './templates.repository';

export { findRound, listOpenRoundsForPoint, listRoundsFor } from './rounds.repository';

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

function periodOf(input: RoundInput): { start: string; end: string } {
	if (input.periodKind !== 'custom') {
		return periodRange(input.periodKind, input.period ?? '') ?? refuse('period', 'round_bad_period');
	}
	const { periodStart: start, periodEnd: end } = input;
	if (!start || !end || !isIsoDate(start) || !isIsoDate(end)) refuse('period', 'round_bad_period');
	if (end < start) refuse('periodEnd', 'round_end_before_start');
	return { start, end };
}

/** Creates a draft round; a refusal names the field it concerns, and nothing is written. */
export async function createRound(db: Db, actorId: number | null, input: RoundInput): Promise<number> {
	const range = periodOf(input);
	if (!isIsoDate(input.opensOn)) refuse('opensOn', 'date_invalid');
	if (!isIsoDate(input.dueOn)) refuse('dueOn', 'date_invalid');
	if (input.dueOn < input.opensOn) refuse('dueOn', 'round_due_before_open');
	return db.transaction().execute(async (trx) => {
		const version = await findVersion(trx, input.templateVersionId);
		if (!version || version.status !== 'published') refuse('templateVersionId', 'round_not_published');
		const target = input.targetRegion || null;
		if (target) {
			const region = levelOfCode(target) ? await findRegion(trx, target) : undefined;
			if (!region || region.level >= VILLAGE_LEVEL) refuse('targetRegion', 'region_unknown');
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
		const id = await insertRound(trx, row);
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

/**
 * Opening fixes the target points: every active point in the target region at this moment.
 * Refused (409) unless the round is a draft.
 */
export async function openRound(db: Db, actorId: number | null, roundId: number): Promise<void> {
	await db.transaction().execute(async (trx) => {
		const round = await findRound(trx, roundId);
		if (!round || round.status !== 'draft') refuse('', 'round_wrong_state', undefined, 409);
		const points = await listActivePointIds(trx, round.target_region_code);
		await insertTargets(trx, roundId, points);
		await setRoundStatus(trx, roundId, 'open');
		await writeAudit(trx, {
			userId: actorId,
			action: 'round.open',
			entityType: 'round',
			entityId: roundId,
			changes: { targets: points.length }
		});
		await pointChanged(trx, points);
	});
}

/** Closing ends the filling; refused (409) unless the round is open. */
export async function closeRound(db: Db, actorId: number | null, roundId: number): Promise<void> {
	await db.transaction().execute(async (trx) => {
		const round = await findRound(trx, roundId);
		if (!round || round.status !== 'open') refuse('', 'round_wrong_state', undefined, 409);
		await setRoundStatus(trx, roundId, 'closed');
		await writeAudit(trx, { userId: actorId, action: 'round.close', entityType: 'round', entityId: roundId });
	});
}
