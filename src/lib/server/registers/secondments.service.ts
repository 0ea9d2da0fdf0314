// The secondment register: staff borrowed away by higher offices (借调), whether the county's
// approval (准入) procedure was followed, and when they came back.
import { chinaDate, isIsoDate } from '../../domain/periods';
import {
	eventDateProblem,
	isOverdue,
	isSecondmentViolation,
	isUnapprovedActive,
	secondmentState,
	type SecondmentState
} from '../../domain/registers';
import { diff, writeAudit } from '../audit/audit.repository';
import { now, type Db } from '../db';
import { RegisterNotFound, type RegisterProblem, type RegisterResult } from './register-result';
import { pointChanged } from '../trends/indicators.service';

export interface SecondmentInput {
	personName: string;
	post: string | null;
	borrowingUnit: string;
	startDate: string;
	expectedEnd: string | null;
	approved: boolean;
	approvalRef: string | null;
}

function check(input: SecondmentInput, today: string): Partial<Record<string, RegisterProblem>> {
	const errors: Partial<Record<string, RegisterProblem>> = {};
	if (!input.personName.trim()) errors.personName = 'required';
	if (!input.borrowingUnit.trim()) errors.borrowingUnit = 'required';
	const start = eventDateProblem(input.startDate, today);
	if (start) errors.startDate = start;
	if (input.expectedEnd != null) {
		if (!isIsoDate(input.expectedEnd)) errors.expectedEnd = 'date_invalid';
		else if (!start && input.expectedEnd < input.startDate) errors.expectedEnd = 'end_before_start';
	}
	if (input.approved && !input.approvalRef?.trim()) errors.approvalRef = 'approval_ref_required';
	return errors;
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
): Promise<RegisterResult<{ id: number }>> {
	const errors = check(input, today);
	if (Object.keys(errors).length) return { ok: false, errors };
	return db.transaction().execute(async (trx) => {
		const at = now();
		const values = columns(input);
		const { id } = await trx
			.insertInto('secondments')
			.values({ point_id: pointId, ...values, return_date: null, created_at: at, updated_at: at })
			.returning('id')
			.executeTakeFirstOrThrow();
		await writeAudit(trx, {
			userId: actorId,
			action: 'secondment.add',
			entityType: 'secondment',
			entityId: id,
			changes: { point_id: pointId, ...values }
		});
		await pointChanged(trx, pointId);
		return { ok: true as const, id };
	});
}

async function findOwn(db: Db, pointId: number, id: number) {
	const row = await db
		.selectFrom('secondments')
		.selectAll()
		.where('id', '=', id)
		.where('point_id', '=', pointId)
		.executeTakeFirst();
	if (!row) throw new RegisterNotFound();
	return row;
}

export async function updateSecondment(
	db: Db,
	actorId: number | null,
	pointId: number,
	id: number,
	input: SecondmentInput,
	today = chinaDate()
): Promise<RegisterResult> {
	const errors = check(input, today);
	if (Object.keys(errors).length) return { ok: false, errors };
	return db.transaction().execute(async (trx) => {
		const before = await findOwn(trx, pointId, id);
		const after = columns(input);
		if (before.return_date && before.return_date < after.start_date)
			return { ok: false, errors: { startDate: 'return_before_start' as const } };
		const changes = diff(before, after);
		if (Object.keys(changes).length === 0) return { ok: true as const };
		await trx
			.updateTable('secondments')
			.set({ ...after, updated_at: now() })
			.where('id', '=', id)
			.execute();
		await writeAudit(trx, {
			userId: actorId,
			action: 'secondment.update',
			entityType: 'secondment',
			entityId: id,
			changes
		});
		await pointChanged(trx, pointId);
		return { ok: true as const };
	});
}

export async function recordSecondmentReturn(
	db: Db,
	actorId: number | null,
	pointId: number,
	id: number,
	input: { returnDate: string },
	today = chinaDate()
): Promise<RegisterResult> {
	return db.transaction().execute(async (trx) => {
		const before = await findOwn(trx, pointId, id);
		if (before.return_date) return { ok: false, errors: { returnDate: 'already_returned' as const } };
		const problem = eventDateProblem(input.returnDate, today);
		if (problem) return { ok: false, errors: { returnDate: problem } };
		if (input.returnDate < before.start_date)
			return { ok: false, errors: { returnDate: 'return_before_start' as const } };
		await trx
			.updateTable('secondments')
			.set({ return_date: input.returnDate, updated_at: now() })
			.where('id', '=', id)
			.execute();
		await writeAudit(trx, {
			userId: actorId,
			action: 'secondment.return',
			entityType: 'secondment',
			entityId: id,
			changes: { return_date: [null, input.returnDate] }
		});
		await pointChanged(trx, pointId);
		return { ok: true as const };
	});
}

export interface SecondmentView {
	id: number;
	personName: string;
	post: string | null;
	borrowingUnit: string;
	startDate: string;
	expectedEnd: string | null;
	returnDate: string | null;
	approved: boolean;
	approvalRef: string | null;
	state: SecondmentState;
	unapproved: boolean;
	overdue: boolean;
	violation: boolean;
}

export function toSecondmentView(
	row: {
		id: number;
		person_name: string;
		post: string | null;
		borrowing_unit: string;
		start_date: string;
		expected_end: string | null;
		return_date: string | null;
		approved: number;
		approval_ref: string | null;
	},
	today: string
): SecondmentView {
	const facts = {
		startDate: row.start_date,
		expectedEnd: row.expected_end,
		returnDate: row.return_date,
		approved: row.approved === 1
	};
	return {
		id: row.id,
		personName: row.person_name,
		post: row.post,
		borrowingUnit: row.borrowing_unit,
		startDate: row.start_date,
		expectedEnd: row.expected_end,
		returnDate: row.return_date,
		approved: facts.approved,
		approvalRef: row.approval_ref,
		state: secondmentState(facts, today),
		unapproved: isUnapprovedActive(facts, today),
		overdue: isOverdue(facts, today),
		violation: isSecondmentViolation(facts, today)
	};
}

/** Active cases first, then the most recent returns. */
export async function listSecondments(
	db: Db,
	pointId: number,
	today = chinaDate()
): Promise<SecondmentView[]> {
	const rows = await db
		.selectFrom('secondments')
		.selectAll()
		.where('point_id', '=', pointId)
		.orderBy((eb) => eb.case().when('return_date', 'is', null).then(0).else(1).end())
		.orderBy('start_date', 'desc')
		.orderBy('id', 'desc')
		.execute();
	return rows.map((r) => toSecondmentView(r, today));
}
