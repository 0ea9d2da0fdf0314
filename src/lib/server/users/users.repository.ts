import type { Db } from '../db';
import type { NewUser, UserRow } from '../db/schema';

export function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
	return db
		.selectFrom('users')
		.selectAll()
		.where('username', '=', username.trim().toLowerCase())
		.executeTakeFirst();
}

export function findUser(db: Db, id: number): Promise<UserRow | undefined> {
	return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertUser(db: Db, row: NewUser): Promise<number> {
	const { id } = await db.insertInto('users').values(row).returning('id').executeTakeFirstOrThrow();
	return id;
}

export async function updateUser(db: Db, id: number, values: Partial<NewUser>): Promise<void> {
	await db.updateTable('users').set(values).where('id', '=', id).execute();
}

export interface UserListItem {
	id: number;
	username: string;
	displayName: string;
	role: UserRow['role'];
	regionCode: string | null;
	regionName: string | null;
	pointId: number | null;
	pointName: string | null;
	active: number;
	mustChangePassword: number;
}

export function listUsers(db: Db, q?: string): Promise<UserListItem[]> {
	return db
		.selectFrom('users')
		.leftJoin('regions as r', 'r.code', 'users.region_code')
		.leftJoin('points as p', 'p.id', 'users.point_id')
		.leftJoin('regions as pr', 'pr.code', 'p.region_code')
		.select([
			'users.id',
			'users.username',
			'users.display_name as displayName',
			'users.role',
			'users.region_code as regionCode',
			'r.name as regionName',
			'users.point_id as pointId',
			'pr.name as pointName',
			'users.active',
			'users.must_change_password as mustChangePassword'
		])
		.$if(!!q, (qb) =>
			qb.where((eb) =>
				eb.or([eb('users.username', 'like', `%${q}%`), eb('users.display_name', 'like', `%${q}%`)])
			)
		)
		.orderBy('users.role')
		.orderBy('users.username')
		.execute();
}

export async function countUsers(db: Db): Promise<number> {
	const row = await db
		.selectFrom('users')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/** The accounts whose scope is this point, active or not. */
export function listPointStaff(
	db: Db,
	pointId: number
): Promise<{ id: number; username: string; name: string; active: number }[]> {
	return db
		.selectFrom('users')
		.select(['id', 'username', 'display_name as name', 'active'])
		.where('point_id', '=', pointId)
		.execute();
}
