import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { Lucia, TimeSpan, type Adapter, type DatabaseSession, type DatabaseUser } from 'lucia';
import type { PublicUser } from '../../domain/roles';
import { config } from '../config';
import { db, now } from '../db';
import type { Db } from '../db';

/** Sessions are stored under the SHA-256 of the cookie token, never the token itself. */
export function hashToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

class KyselyAdapter implements Adapter {
	async getSessionAndUser(sessionId: string): Promise<[DatabaseSession | null, DatabaseUser | null]> {
		const row = await db()
			.selectFrom('sessions')
			.innerJoin('users', 'users.id', 'sessions.user_id')
			.select([
				'sessions.id as sid',
				'sessions.expires_at',
				'users.id',
				'users.username',
				'users.display_name',
				'users.role',
				'users.region_code',
				'users.point_id',
				'users.must_change_password'
			])
			.where('sessions.id', '=', hashToken(sessionId))
			.where('users.active', '=', 1)
			.executeTakeFirst();
		if (!row) return [null, null];
		return [
			{ id: sessionId, userId: row.id, expiresAt: new Date(row.expires_at), attributes: {} },
			{
				id: row.id,
				attributes: {
					username: row.username,
					display_name: row.display_name,
					role: row.role,
					region_code: row.region_code,
					point_id: row.point_id,
					must_change_password: row.must_change_password
				}
			}
		];
	}

	async getUserSessions(userId: number): Promise<DatabaseSession[]> {
		const rows = await db().selectFrom('sessions').selectAll().where('user_id', '=', userId).execute();
		// Only hashes are stored, so these ids cannot be used to act on a session.
		return rows.map((r) => ({
			id: r.id,
			userId: r.user_id,
			expiresAt: new Date(r.expires_at),
			attributes: {}
		}));
	}

	async setSession(session: DatabaseSession): Promise<void> {
		await db()
			.insertInto('sessions')
			.values({
				id: hashToken(session.id),
				user_id: session.userId,
				expires_at: session.expiresAt.toISOString(),
				created_at: now()
			})
			.execute();
	}

	async updateSessionExpiration(sessionId: string, expiresAt: Date): Promise<void> {
		await db()
			.updateTable('sessions')
			.set({ expires_at: expiresAt.toISOString() })
			.where('id', '=', hashToken(sessionId))
			.execute();
	}

	async deleteSession(sessionId: string): Promise<void> {
		await db().deleteFrom('sessions').where('id', '=', hashToken(sessionId)).execute();
	}

	async deleteUserSessions(userId: number): Promise<void> {
		await db().deleteFrom('sessions').where('user_id', '=', userId).execute();
	}

	async deleteExpiredSessions(): Promise<void> {
		await deleteExpiredSessions(db());
	}
}

/** Lucia never calls this itself: the hourly sweep does. Returns how many were deleted. */
export async function deleteExpiredSessions(db: Db, at = new Date()): Promise<number> {
	const result = await db
		.deleteFrom('sessions')
		.where('expires_at', '<', at.toISOString())
		.executeTakeFirst();
	return Number(result.numDeletedRows);
}

export const lucia = new Lucia(new KyselyAdapter(), {
	sessionExpiresIn: new TimeSpan(config.sessionDays, 'd'),
	sessionCookie: {
		name: 'jfgc_session',
		// A persistent cookie whose expiry slides with the session.
		expires: true,
		attributes: { secure: config.cookieSecure, sameSite: 'lax' }
	},
	getUserAttributes(attributes) {
		return attributes;
	}
});

declare module 'lucia' {
	interface Register {
		Lucia: typeof lucia;
		UserId: number;
		DatabaseUserAttributes: {
			username: string;
			display_name: string;
			role: PublicUser['role'];
			region_code: string | null;
			point_id: number | null;
			must_change_password: 0 | 1;
		};
	}
}

export function toPublicUser(user: import('lucia').User): PublicUser {
	return {
		id: user.id,
		username: user.username,
		name: user.display_name,
		role: user.role,
		regionCode: user.region_code,
		pointId: user.point_id,
		mustChangePassword: user.must_change_password === 1
	};
}

/** Ends every session of a user except the one they are using. */
export async function endOtherSessions(trx: Db, userId: number, keepToken: string | null) {
	await trx
		.deleteFrom('sessions')
		.where('user_id', '=', userId)
		.$if(keepToken != null, (q) => q.where('id', '!=', hashToken(keepToken!)))
		.execute();
}
