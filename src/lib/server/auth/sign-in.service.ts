import { writeAudit } from '../audit/audit.repository';
import type { Db } from '../db';
import { refuse } from '../refusal';
import { findUserByUsername } from '../users/users.repository';
import { burnVerify, verifyPassword } from './password';
import { lucia } from './session';
import { clearFailures, throttledCheck, throttleKeys } from './throttle';

/**
 * Checks the throttle, then the password; every attempt is audited. Returns the user's id, or
 * refuses the form as a whole: `sign_in_invalid` (400) or `sign_in_locked` with the seconds to
 * wait (429). The failure's audit row and throttle count are written before the refusal.
 */
export async function signIn(
	db: Db,
	input: { username: string; password: string; ip: string; at?: Date }
): Promise<number> {
	const at = input.at ?? new Date();
	const username = input.username.trim().toLowerCase();
	const keys = throttleKeys(username, input.ip);

	const user = await findUserByUsername(db, username);
	const checked = await throttledCheck(
		db,
		keys,
		at,
		async () =>
			user && user.active === 1
				? await verifyPassword(user.password_hash, input.password)
				: (await burnVerify(input.password), false),
		{
			onLocked: () =>
				writeAudit(db, {
					userId: null,
					action: 'sign_in.locked',
					entityType: 'sign_in',
					entityId: username,
					ip: input.ip
				}),
			onFailure: (trx) =>
				writeAudit(trx, {
					userId: user?.id ?? null,
					action: 'sign_in.failure',
					entityType: 'sign_in',
					entityId: username,
					ip: input.ip
				})
		}
	);
	if (!checked.ok && checked.reason === 'locked')
		refuse('', 'sign_in_locked', { seconds: checked.seconds }, 429);
	if (!checked.ok || !user) refuse('', 'sign_in_invalid');

	await db.transaction().execute(async (trx) => {
		await clearFailures(trx, keys);
		await writeAudit(trx, {
			userId: user.id,
			action: 'sign_in.success',
			entityType: 'sign_in',
			entityId: username,
			ip: input.ip
		});
	});
	return user.id;
}

/** Ends the session and audits the sign-out. */
export async function signOut(
	db: Db,
	input: { sessionId: string; user: { id: number; username: string }; ip: string }
): Promise<void> {
	await lucia.invalidateSession(input.sessionId);
	await writeAudit(db, {
		userId: input.user.id,
		action: 'sign_out',
		entityType: 'sign_in',
		entityId: input.user.username,
		ip: input.ip
	});
}
