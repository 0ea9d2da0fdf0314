// The signboards and signboard_events tables: statements only; the plate rules are in
// signboards.service and domain/registers.
import type { Insertable } from 'kysely';
import type { Db } from '../db';
import type { SignboardEventsTable, SignboardsTable } from '../db/schema';

/** A category a new plate may take: active entries only. */
export function findActiveCategory(db: Db, categoryId: number) {
	return db
		.selectFrom('signboard_categories')
		.select(['id', 'placement', 'status'])
		.where('id', '=', categoryId)
		.where('active', '=', 1)
		.executeTakeFirst();
}

export async function insertSignboard(db: Db, row: Insertable<SignboardsTable>): Promise<number> {
	const { id } = await db.insertInto('signboards').values(row).returning('id').executeTakeFirstOrThrow();
	return id;
}

export async function insertSignboardEvent(db: Db, row: Insertable<SignboardEventsTable>): Promise<void> {
	await db.insertInto('signboard_events').values(row).execute();
}

/** The point's own plate with the date of its latest event; undefined for another point's. */
export async function findPointSignboard(db: Db, pointId: number, id: number) {
	const board = await db
		.selectFrom('signboards')
		.select(['id', 'state'])
		.where('id', '=', id)
		.where('point_id', '=', pointId)
		.executeTakeFirst();
	if (!board) return undefined;
	const last = await db
		.selectFrom('signboard_events')
		.select((eb) => eb.fn.max('on_date').as('lastDate'))
		.where('signboard_id', '=', id)
		.executeTakeFirst();
	return { ...board, lastDate: (last?.lastDate as string | null) ?? null };
}

export async function setSignboardState(
	db: Db,
	id: number,
	state: SignboardsTable['state'],
	at: string
): Promise<void> {
	await db.updateTable('signboards').set({ state, updated_at: at }).where('id', '=', id).execute();
}

/** The point's plates with their category, oldest first. */
export function selectPointSignboards(db: Db, pointId: number) {
	return db
		.selectFrom('signboards as s')
		.innerJoin('signboard_categories as c', 'c.id', 's.category_id')
		.select([
			's.id',
			's.text',
			's.placement',
			's.department',
			's.state',
			's.category_id as categoryId',
			'c.name as categoryName',
			'c.status as categoryStatus'
		])
		.where('s.point_id', '=', pointId)
		.orderBy('s.id')
		.execute();
}

/** The events of these plates, oldest first. */
export function selectSignboardEvents(db: Db, signboardIds: number[]) {
	return db
		.selectFrom('signboard_events')
		.select(['id', 'signboard_id', 'kind', 'on_date as onDate', 'photo_id as photoId', 'note'])
		.where('signboard_id', 'in', signboardIds)
		.orderBy('on_date')
		.orderBy('id')
		.execute();
}
