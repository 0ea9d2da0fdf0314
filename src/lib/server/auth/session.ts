import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { Lucia, TimeSpan, type Adapter, type DatabaseSession, type DatabaseUser } from 'lucia';
import type { PublicUser } from '../../domain/roles';
import { config } from '../config';
import { db, now } from '../db';
import type { Db } from '../db';
import {
	deleteExpiredSessions,
	deleteSession,
	deleteUserSessions,
	findSessionWithUser,
	insertSession,
	listUserSessions,
	updateSessionExpiry,
	type SessionWithUser
} from './sessions.repository';

/** Sessions are stored under the SHA-256 of the cookie token, never the token itself. */
export function hashToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

// Lucia's adapter: the statements are in sessions.repository.ts; this only hashes the token and
// shapes rows the way Lucia wants them.
class KyselyAdapter implements Adapter {
	async getSessionAndUser(sessionId: string): Promise<[DatabaseSession | null, DatabaseUser | null]> {
		const found = await findSessionWithUser(db(), hashToken(sessionId));
		if (!found) return [null, null];
		const { id, ...attributes } = found.user;
		return [
			{ id: sessionId, userId: id, expiresAt: new Date(found.expiresAt), attributes: {} },
			{ id, attributes }
		];
	}

	async getUserSessions(userId: number): Promise<DatabaseSession[]> {
		const rows = await listUserSessions(db(), userId);
		// Only hashes are stored, so these ids cannot be used to act on a session.
		return rows.map((r) => ({
			id: r.id,
			userId: r.user_id,
			expiresAt: new Date(r.expires_at),
			attributes: {}
		}));
	}

	async setSession(session: DatabaseSession): Promise<void> {
		await insertSession(db(), {
			id: hashToken(session.id),
			user_id: session.userId,
			expires_at: session.expiresAt.toISOString(),
			created_at: now()
		});
	}

	async updateSessionExpiration(sessionId: string, expiresAt: Date): Promise<void> {
		await updateSessionExpiry(db(), hashToken(sessionId), expiresAt.toISOString());
	}

	async deleteSession(sessionId: string): Promise<void> {
		await deleteSession(db(), hashToken(sessionId));
	}

	async deleteUserSessions(userId: number): Promise<void> {
		await deleteUserSessions(db(), userId);
	}

	async deleteExpiredSessions(): Promise<void> {
		await deleteExpiredSessions(db());
	}
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
		DatabaseUserAttributes: Omit<SessionWithUser['user'], 'id'>;
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
	await deleteUserSessions(trx, userId, keepToken == null ? null : hashToken(keepToken));
}
