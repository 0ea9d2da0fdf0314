// A point's own record of rounds: every round that asked it (open or closed), newest first, with
// its submission's state, dates and the reviewer's note, for the point page.
import { chinaDate } from '../../domain/periods';
import type { Db } from '../db';
import type { RoundStatus, SubmissionStatus } from '../db/schema';

export interface PointRoundRecord {
	roundId: number;
	name: string;
	periodStart: string;
	periodEnd: string;
	dueOn: string;
	roundStatus: RoundStatus;
	submissionId: number | null;
	/** null: nothing saved. */
	status: SubmissionStatus | null;
	late: boolean;
	/** Dates in China time (YYYY-MM-DD); null when it has not happened. */
	submittedOn: string | null;
	reviewedOn: string | null;
	/** The reviewer's reason for the last return or reopening; null once accepted. */
	reviewNote: string | null;
}

export async function listPointRounds(db: Db, pointId: number): Promise<PointRoundRecord[]> {
	const rows = await db
		.selectFrom('round_targets')
		.innerJoin('rounds', 'rounds.id', 'round_targets.round_id')
		.leftJoin('submissions', (j) =>
			j.onRef('submissions.round_id', '=', 'rounds.id').on('submissions.point_id', '=', pointId)
		)
		.select([
			'rounds.id as roundId',
			'rounds.name',
			'rounds.period_start as periodStart',
			'rounds.period_end as periodEnd',
			'rounds.due_on as dueOn',
			'rounds.status as roundStatus',
			'submissions.id as submissionId',
			'submissions.status',
			'submissions.late',
			'submissions.submitted_at as submittedAt',
			'submissions.reviewed_at as reviewedAt',
			'submissions.review_note as reviewNote'
		])
		.where('round_targets.point_id', '=', pointId)
		.where('rounds.status', '!=', 'draft')
		.orderBy('rounds.period_start', 'desc')
		.orderBy('rounds.id', 'desc')
		.execute();
	const day = (at: string | null) => (at ? chinaDate(new Date(at)) : null);
	return rows.map((r) => ({
		roundId: r.roundId,
		name: r.name,
		periodStart: r.periodStart,
		periodEnd: r.periodEnd,
		dueOn: r.dueOn,
		roundStatus: r.roundStatus,
		submissionId: r.submissionId,
		status: r.status,
		late: r.late === 1,
		submittedOn: day(r.submittedAt),
		reviewedOn: day(r.reviewedAt),
		// Accepting clears it; after a correction is resubmitted it stays, as the reason it was sent back.
		reviewNote: r.reviewNote
	}));
}
