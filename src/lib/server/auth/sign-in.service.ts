import { writeAudit } from '../audit/audit.repository';
import type { Db } from '../db';
import { findUserByUsername } from '../users/users.repository';
import { burnVerify, verifyPassword } from './password';
import { clearFailures, recordFailure, secondsLocked, throttleKeys } from './throttle';

export type SignInResult =
	| { ok: true; userId: number }
	| { ok: false; reason: 'invalid' }
	| { ok: false; reason: 'locked'; seconds: number };

/** Checks the throttle, then the password; every attempt is audited. */
export async function signIn(
	db: Db,
	input: { username: string; password: string; ip: string; at?: Date }
): Promise<SignInResult> {
	const at = input.at ?? new Date();
	const username = input.username.trim().toLowerCase();
	const keys = throttleKeys(username, input.ip);

	const wait = await secondsLocked(db, keys, at);
	if (wait > 0) {
		await writeAudit(db, {
			userId: null,
			action: 'sign_in.locked',
			entityType: 'sign_in',
			entityId: username,
			ip: input.ip
		});
		return { ok: false, reason: 'locked', seconds: wait };
	}

	const user = await findUserByUsername(db, username);
	const valid =
		user && user.active === 1
			? await verifyPassword(user.password_hash, input.password)
			: (await burnVerify(input.password), false);

	if (!valid || !user) {
		await db.transaction().execute(async (trx) => {
			await recordFailure(trx, keys, at);
			await writeAudit(trx, {
				userId: user?.id ?? null,
				action: 'sign_in.failure',
				entityType: 'sign_in',
				entityId: username,
				ip: input.ip
			});
		});
		const after = await secondsLocked(db, keys, at);
		return after > 0 ? { ok: false, reason: 'locked', seconds: after } : { ok: false, reason: 'invalid' };
	}

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
	return { ok: true, userId: user.id };
}
