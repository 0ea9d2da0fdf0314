// The secondment register: staff borrowed away by higher offices (借调), whether the county's
// approval (准入) procedure was followed, and when they came back.
import { chinaDate, isIsoDate } from '../../domain/periods';
import { eventDateProblem, secondmentView, type SecondmentView } from '../../domain/registers';
import { Refusal, refuse, refuseNotFound } from '../refusal';
import { diff, writeAudit } from '../audit/audit.repository';
import { now, type Db } from '../db';
import type { Problem } from '../../text/refusals';
import { registerWrite } from './register-write';
import {
	findPointSecondment,
	insertSecondment,
	selectPointSecondments,
	toSecondmentRecord,
	updateSecondmentRow
} from './secondments.repository';

export type { SecondmentView } from '../../domain/registers';

export interface SecondmentInput {
	personName: string;
	post: string | null;
	borrowingUnit: string;
	startDate: string;
	expectedEnd: string | null;
	approved: boolean;
	approvalRef: string | null;
}

/** Every field's problem at once, so the form shows them all together. */
function check(input: SecondmentInput, today: string): void {
	const problems: Record<string, Problem> = {};
	if (!input.personName.trim()) problems.personName = { code: 'required' };
	if (!input.borrowingUnit.trim()) problems.borrowingUnit = { code: 'required' };
	const start = eventDateProblem(input.startDate, today);
	if (start) problems.startDate = { code: start };
	if (input.expectedEnd != null) {
		if (!isIsoDate(input.expectedEnd)) problems.expectedEnd = { code: 'date_invalid' };
		else if (!start && input.expectedEnd < input.startDate)
			problems.expectedEnd = { code: 'secondment_end_before_start' };
	}
	if (input.approved && !input.approvalRef?.trim()) problems.approvalRef = { code: 'approval_ref_required' };
	if (Object.keys(problems).length) throw new Refusal(problems);
}

function columns(input: SecondmentInput) {
	return {
		person_name: input.personName.trim(),
		post: input.post?.trim() || null,
		borrowing_unit: input.borrowingUnit.trim(),
		start_date: input.startDate,
		expected_end: input.expectedEnd || null,
		approved: input.approved ? (1 as const) : (0 as const),
		// A reference without an approval means nothing; keep only what the flag vouches for.
		approval_ref: input.approved ? input.approvalRef!.trim() : null
	};
}

export async function addSecondment(
	db: Db,
	actorId: number | null,
	pointId: number,
	input: SecondmentInput,
	today = chinaDate()
): Promise<{ id: number }> {
	check(input, today);
	return registerWrite(db, pointId, async (trx) => {
		const at = now();
		const values = columns(input);
		const id = await insertSecondment(trx, {
			point_id: pointId,
			...values,
			return_date: null,
			created_at: at,
			updated_at: at
		});
		await writeAudit(trx, {
			userId: actorId,
			action: 'secondment.add',
			entityType: 'secondment',
			entityId: id,
			changes: { point_id: pointId, ...values }
		});
		return { id };
	});
}

async function findOwn(db: Db, pointId: number, id: number) {
	return (await findPointSecondment(db, pointId, id)) ?? refuseNotFound();
}

export async function updateSecondment(
	db: Db,
	actorId: number | null,
	pointId: number,
	id: number,
	input: SecondmentInput,
	today = chinaDate()
): Promise<void> {
	check(input, today);
	await registerWrite(db, pointId, async (trx) => {
		const before = await findOwn(trx, pointId, id);
		const after = columns(input);
		if (before.return_date && before.return_date < after.start_date)
			refuse('startDate', 'return_before_start');
		const changes = diff(before, after);
		if (Object.keys(changes).length === 0) return;
		await updateSecondmentRow(trx, id, { ...after, updated_at: now() });
		await writeAudit(trx, {
			userId: actorId,
			action: 'secondment.update',
			entityType: 'secondment',
			entityId: id,
			changes
		});
	});
}

export async function recordSecondmentReturn(
	db: Db,
	actorId: number | null,
	pointId: number,
	id: number,
	input: { returnDate: string },
	today = chinaDate()
): Promise<void> {
	await registerWrite(db, pointId, async (trx) => {
		const before = await findOwn(trx, pointId, id);
		if (before.return_date) refuse('returnDate', 'already_returned');
		const problem = eventDateProblem(input.returnDate, today);
		if (problem) refuse('returnDate', problem);
		if (input.returnDate < before.start_date) refuse('returnDate', 'return_before_start');
		await updateSecondmentRow(trx, id, { return_date: input.returnDate, updated_at: now() });
		await writeAudit(trx, {
			userId: actorId,
			action: 'secondment.return',
			entityType: 'secondment',
			entityId: id,
			changes: { return_date: [null, input.returnDate] }
		});
	});
}

/** Active cases first, then the most recent returns. */
export async function listSecondments(
	db: Db,
	pointId: number,
	today = chinaDate()
): Promise<SecondmentView[]> {
	const rows = await selectPointSecondments(db, pointId);
	return rows.map((r) => secondmentView(toSecondmentRecord(r), today));
}
