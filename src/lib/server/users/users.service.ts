import { writeAudit, diff } from '../audit/audit.repository';
import { generateOneTimePassword, hashPassword, verifyPassword } from '../auth/password';
import { endOtherSessions } from '../auth/session';
import { clearFailures, throttledCheck, throttleKeys } from '../auth/throttle';
import { now, type Db } from '../db';
import { refuse, refuseNotFound } from '../refusal';
import type { UserRow } from '../db/schema';
import { findUser, findUserByUsername, insertUser, updateUser } from './users.repository';
import type { Role } from '../../domain/roles';
import { findPointByRegion } from '../points/points.repository';
import { findRegion } from '../regions/regions.repository';
import { VILLAGE_LEVEL } from '../../domain/regions';

export interface UserScopeInput {
	role: Role;
	/** A region code for analysts and reviewers; the point's village code for staff. */
	scopeCode?: string | null;
}

/** Analysts and reviewers need a region above village level; staff need exactly one point. */
async function resolveScope(db: Db, input: UserScopeInput) {
	if (input.role === 'analyst' || input.role === 'reviewer') {
		if (!input.scopeCode) refuse('scopeCode', 'region_required');
		const region = await findRegion(db, input.scopeCode);
		if (!region || region.level >= VILLAGE_LEVEL) refuse('scopeCode', 'region_unknown');
		return { region_code: region.code, point_id: null };
	}
	if (input.role === 'staff') {
		if (!input.scopeCode) refuse('scopeCode', 'point_required');
		const point = await findPointByRegion(db, input.scopeCode);
		if (!point || !point.active) refuse('scopeCode', 'point_unknown');
		return { region_code: null, point_id: point.id };
	}
	return { region_code: null, point_id: null };
}

export interface CreateUserInput extends UserScopeInput {
	username: string;
	displayName: string;
	/** Given by a CLI; otherwise a one-time password is generated. */
	password?: string;
	mustChangePassword?: boolean;
}

export async function createUser(
	db: Db,
	actorId: number | null,
	input: CreateUserInput
): Promise<{ id: number; oneTimePassword: string }> {
	const username = input.username.trim().toLowerCase();
	const password = input.password ?? generateOneTimePassword();
	const passwordHash = await hashPassword(password);
	const id = await db.transaction().execute(async (trx) => {
		if (await findUserByUsername(trx, username)) refuse('username', 'username_taken');
		const scope = await resolveScope(trx, input);
		const row = {
			username,
			display_name: input.displayName.trim(),
			role: input.role,
			...scope,
			password_hash: passwordHash,
			must_change_password: (input.mustChangePassword ?? true) ? 1 : 0,
			active: 1,
			created_at: now()
		} as const;
		const newId = await insertUser(trx, row);
		const { password_hash: _omit, ...visible } = row;
		void _omit;
		await writeAudit(trx, {
			userId: actorId,
			action: 'user.create',
			entityType: 'user',
			entityId: newId,
			changes: visible
		});
		return newId;
	});
	return { id, oneTimePassword: password };
}

export async function updateUserProfile(
	db: Db,
	actorId: number,
	userId: number,
	input: UserScopeInput & { displayName: string }
): Promise<void> {
	await db.transaction().execute(async (trx) => {
		const before = await findUser(trx, userId);
		if (!before) refuseNotFound();
		// An admin cannot take away their own rights: someone must be left to manage users.
		if (userId === actorId && input.role !== 'admin') refuse('role', 'user_cannot_demote_self');
		const scope = await resolveScope(trx, input);
		const after = { display_name: input.displayName.trim(), role: input.role, ...scope };
		const changes = diff(before, after);
		if (Object.keys(changes).length === 0) return;
		await updateUser(trx, userId, after);
		// A changed role or scope must not keep old sessions with the old rights cached in a tab.
		if (changes.role || changes.region_code || changes.point_id) await endOtherSessions(trx, userId, null);
		await writeAudit(trx, {
			userId: actorId,
			action: 'user.update',
			entityType: 'user',
			entityId: userId,
			changes
		});
	});
}

export async function resetPassword(db: Db, actorId: number, userId: number): Promise<string> {
	const password = generateOneTimePassword();
	const passwordHash = await hashPassword(password);
	await db.transaction().execute(async (trx) => {
		await updateUser(trx, userId, { password_hash: passwordHash, must_change_password: 1 });
		await endOtherSessions(trx, userId, null);
		await writeAudit(trx, {
			userId: actorId,
			action: 'user.reset_password',
			entityType: 'user',
			entityId: userId
		});
	});
	return password;
}

export async function setUserActive(db: Db, actorId: number, userId: number, active: boolean) {
	if (!active && userId === actorId) refuse('', 'user_cannot_deactivate_self');
	await db.transaction().execute(async (trx) => {
		const before = await findUser(trx, userId);
		if (!before || before.active === (active ? 1 : 0)) return;
		await updateUser(trx, userId, { active: active ? 1 : 0 });
		if (!active) await endOtherSessions(trx, userId, null);
		await writeAudit(trx, {
			userId: actorId,
			action: active ? 'user.activate' : 'user.deactivate',
			entityType: 'user',
			entityId: userId,
			changes: { active: [before.active, active ? 1 : 0] }
		});
	});
}

/**
 * Sets a new password, clears the first-sign-in flag and ends the user's other sessions. Refuses
 * `password_wrong_current` or `password_locked` (429) on `current`, `password_same_as_current` on `next`.
 */
export async function changePassword(
	db: Db,
	user: Pick<UserRow, 'id'>,
	current: string,
	next: string,
	keepToken: string | null,
	ip: string | null
): Promise<void> {
	const row = await findUser(db, user.id);
	if (!row) refuse('current', 'password_wrong_current');
	// The current password is a secret like the sign-in one: guesses share its throttle.
	const keys = throttleKeys(row.username, ip ?? 'unknown');
	const checked = await throttledCheck(
		db,
		keys,
		new Date(),
		() => verifyPassword(row.password_hash, current),
		{
			onFailure: (trx) =>
				writeAudit(trx, {
					userId: user.id,
					action: 'user.change_password_failure',
					entityType: 'user',
					entityId: user.id,
					ip
				})
		}
	);
	if (!checked.ok && checked.reason === 'locked')
		refuse('current', 'password_locked', { seconds: checked.seconds }, 429);
	if (!checked.ok) refuse('current', 'password_wrong_current');
	await clearFailures(db, keys);
	if (current === next) refuse('next', 'password_same_as_current');
	const passwordHash = await hashPassword(next);
	await db.transaction().execute(async (trx) => {
		await updateUser(trx, user.id, { password_hash: passwordHash, must_change_password: 0 });
		await endOtherSessions(trx, user.id, keepToken);
		await writeAudit(trx, {
			userId: user.id,
			action: 'user.change_password',
			entityType: 'user',
			entityId: user.id,
			ip
		});
	});
}
