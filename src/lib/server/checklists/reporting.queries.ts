import { lengthByLevel, levelOfCode } from '../../domain/regions';
import type { Db } from '../db';
import type { SubmissionStatus } from '../db/schema';

export type TargetState = 'not_started' | SubmissionStatus;

export interface TargetRow {
	pointId: number;
	regionCode: string;
	name: string;
	type: 'village' | 'community';
	submissionId: number | null;
	state: TargetState;
	late: boolean;
	submittedAt: string | null;
}

export interface Rate {
	targets: number;
	onTime: number;
	late: number;
	missing: number;
	accepted: number;
}

/** Every target point of a round inside a region's subtree, with its submission state. */
export async function listTargets(db: Db, roundId: number, within: string | null): Promise<TargetRow[]> {
	const rows = await db
		.selectFrom('round_targets')
		.innerJoin('points', 'points.id', 'round_targets.point_id')
		.innerJoin('regions', 'regions.code', 'points.region_code')
		.leftJoin('submissions', (j) =>
			j
				.onRef('submissions.round_id', '=', 'round_targets.round_id')
				.onRef('submissions.point_id', '=', 'round_targets.point_id')
		)
		.select([
			'points.id as pointId',
			'points.region_code as regionCode',
			'regions.name',
			'points.type',
			'submissions.id as submissionId',
			'submissions.status',
			'submissions.late',
			'submissions.submitted_at as submittedAt'
		])
		.where('round_targets.round_id', '=', roundId)
		.$if(!!within, (q) => q.where('points.region_code', 'like', `${within}%`))
		.orderBy('points.region_code')
		.execute();
	return rows.map((r) => ({
		pointId: r.pointId,
		regionCode: r.regionCode,
		name: r.name,
		type: r.type,
		submissionId: r.submissionId,
		state: r.status ?? 'not_started',
		late: r.late === 1,
		submittedAt: r.submittedAt
	}));
}

/** Reported means submitted at least once (a returned one was reported too); the rest are missing. */
export function rateOf(rows: TargetRow[]): Rate {
	const rate: Rate = { targets: rows.length, onTime: 0, late: 0, missing: 0, accepted: 0 };
	for (const r of rows) {
		if (!r.submittedAt) rate.missing++;
		else if (r.late) rate.late++;
		else rate.onTime++;
		if (r.state === 'accepted') rate.accepted++;
	}
	return rate;
}

/** The rate for a region and for each of its child regions that has target points. */
export function rateByChild(rows: TargetRow[], regionCode: string | null) {
	const level = regionCode ? (levelOfCode(regionCode) ?? 0) : 0;
	const childLength = lengthByLevel[Math.min(level + 1, 5)];
	const groups = new Map<string, TargetRow[]>();
	for (const r of rows) {
		const child = r.regionCode.slice(0, childLength);
		if (!groups.has(child)) groups.set(child, []);
		groups.get(child)!.push(r);
	}
	return [...groups.entries()].map(([code, list]) => ({ code, ...rateOf(list) }));
}

export const percent = (part: number, whole: number) =>
	whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;

/** The rate of many rounds in one grouped query, for lists of rounds (same rules as rateOf). */
export async function ratesByRound(
	db: Db,
	roundIds: number[],
	within: string | null
): Promise<Map<number, Rate>> {
	if (roundIds.length === 0) return new Map();
	const rows = await db
		.selectFrom('round_targets')
		.innerJoin('points', 'points.id', 'round_targets.point_id')
		.leftJoin('submissions', (j) =>
			j
				.onRef('submissions.round_id', '=', 'round_targets.round_id')
				.onRef('submissions.point_id', '=', 'round_targets.point_id')
		)
		.select((eb) => [
			'round_targets.round_id as roundId',
			eb.fn.countAll<number>().as('targets'),
			eb.fn
				.sum<number>(eb.case().when('submissions.submitted_at', 'is', null).then(1).else(0).end())
				.as('missing'),
			eb.fn
				.sum<number>(
					eb
						.case()
						.when(eb.and([eb('submissions.submitted_at', 'is not', null), eb('submissions.late', '=', 1)]))
						.then(1)
						.else(0)
						.end()
				)
				.as('late'),
			eb.fn
				.sum<number>(eb.case().when('submissions.status', '=', 'accepted').then(1).else(0).end())
				.as('accepted')
		])
		.where('round_targets.round_id', 'in', roundIds)
		.$if(!!within, (q) => q.where('points.region_code', 'like', `${within}%`))
		.groupBy('round_targets.round_id')
		.execute();
	const rates = new Map<number, Rate>(
		roundIds.map((id) => [id, { targets: 0, onTime: 0, late: 0, missing: 0, accepted: 0 }])
	);
	for (const r of rows) {
		const [targets, missing, late] = [Number(r.targets), Number(r.missing ?? 0), Number(r.late ?? 0)];
		rates.set(r.roundId, {
			targets,
			onTime: targets - missing - late,
			late,
			missing,
			accepted: Number(r.accepted ?? 0)
		});
	}
	return rates;
}
