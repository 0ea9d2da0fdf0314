// The sessions table. Rows are keyed by the SHA-256 of the cookie token (session.ts hashes it
// before it reaches here), never the token itself.
import type { Db } from '../db';
import type { PublicUser } from '../../domain/roles';

export interface SessionWithUser {
	expiresAt: string;
	user: {
		id: number;
		username: string;
		display_name: string;
		role: PublicUser['role'];
		region_code: string | null;
		point_id: number | null;
		must_change_password: 0 | 1;
	};
}

/** The session under this hash with its user, if the user is still active. */
export async function findSessionWithUser(db: Db, idHash: string): Promise<SessionWithUser | undefined> {
	const row = await db
		.selectFrom('sessions')
		.innerJoin('users', 'users.id', 'sessions.user_id')
		.select([
			'sessions.expires_at',
			'users.id',
			'users.username',
			'users.display_name',
			'users.role',
			'users.region_code',
			'users.point_id',
			'users.must_change_password'
		])
		.where('sessions.id', '=', idHash)
		.where('users.active', '=', 1)
		.executeTakeFirst();
	if (!row) return undefined;
	const { expires_at, ...user } = row;
	return { expiresAt: expires_at, user };
}

export function listUserSessions(
	db: Db,
	userId: number
): Promise<{ id: string; user_id: number; expires_at: string }[]> {
	return db
		.selectFrom('sessions')
		.select(['id', 'user_id', 'expires_at'])
		.where('user_id', '=', userId)
		.execute();
}

export async function insertSession(
	db: Db,
	row: { id: string; user_id: number; expires_at: string; created_at: string }
): Promise<void> {
	await db.insertInto('sessions').values(row).execute();
}

export async function updateSessionExpiry(db: Db, idHash: string, expiresAt: string): Promise<void> {
	await db.updateTable('sessions').set({ expires_at: expiresAt }).where('id', '=', idHash).execute();
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
	await db.deleteFrom('sessions').where('id', '=', idHash).execute();
}

/** Every session of a user, except the one under `keepHash` when given. */
export async function deleteUserSessions(
	db: Db,
	userId: number,
	keepHash: string | null = null
): Promise<void> {
	await db
		.deleteFrom('sessions')
		.where('user_id', '=', userId)
		.$if(keepHash != null, (q) => q.where('id', '!=', keepHash!))
		.execute();
}

/** Sessions expired before `at`; returns how many were deleted. Lucia never calls this itself: the hourly sweep does. */
export async function deleteExpiredSessions(db: Db, at = new Date()): Promise<number> {
	const result = await db
		.deleteFrom('sessions')
		.where('expires_at', '<', at.toISOString())
		.executeTakeFirst();
	return Number(result.numDeletedRows);
}
