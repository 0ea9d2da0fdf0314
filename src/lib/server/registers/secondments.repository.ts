// The secondments table: statements and the row mapper; the rules are in secondments.service
// and domain/registers.
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { SecondmentRecord } from '../../domain/registers';
import type { Db } from '../db';
import type { SecondmentsTable } from '../db/schema';

export type SecondmentRow = Selectable<SecondmentsTable>;

/** The row as the register shows it. */
export function toSecondmentRecord(
	row: Pick<
		SecondmentRow,
		| 'id'
		| 'person_name'
		| 'post'
		| 'borrowing_unit'
		| 'start_date'
		| 'expected_end'
		| 'return_date'
		| 'approved'
		| 'approval_ref'
	>
): SecondmentRecord {
	return {
		id: row.id,
		personName: row.person_name,
		post: row.post,
		borrowingUnit: row.borrowing_unit,
		startDate: row.start_date,
		expectedEnd: row.expected_end,
		returnDate: row.return_date,
		approved: row.approved === 1,
		approvalRef: row.approval_ref
	};
}

export async function insertSecondment(db: Db, row: Insertable<SecondmentsTable>): Promise<number> {
	const { id } = await db.insertInto('secondments').values(row).returning('id').executeTakeFirstOrThrow();
	return id;
}

/** The point's own case; undefined for another point's. */
export function findPointSecondment(db: Db, pointId: number, id: number): Promise<SecondmentRow | undefined> {
	return db
		.selectFrom('secondments')
		.selectAll()
		.where('id', '=', id)
		.where('point_id', '=', pointId)
		.executeTakeFirst();
}

export async function updateSecondmentRow(
	db: Db,
	id: number,
	set: Updateable<SecondmentsTable>
): Promise<void> {
	await db.updateTable('secondments').set(set).where('id', '=', id).execute();
}

/** Active cases first, then the most recent returns. */
export function selectPointSecondments(db: Db, pointId: number): Promise<SecondmentRow[]> {
	return db
		.selectFrom('secondments')
		.selectAll()
		.where('point_id', '=', pointId)
		.orderBy((eb) => eb.case().when('return_date', 'is', null).then(0).else(1).end())
		.orderBy('start_date', 'desc')
		.orderBy('id', 'desc')
		.execute();
}
