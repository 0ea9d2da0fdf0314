import { writeAudit, diff } from '../audit/audit.repository';
import { generateOneTimePassword, hashPassword, verifyPassword } from '../auth/password';
import { endOtherSessions } from '../auth/session';
import { clearFailures, throttledCheck, throttleKeys } from '../auth/throttle';
import { now, type Db } from '../db';
import type { UserRow } from '../db/schema';
import { findUser, findUserByUsername, insertUser, updateUser } from './users.repository';
import type { Role } from '../../domain/roles';
import { findPointByRegion } from '../points/points.repository';
import { findRegion } from '../regions/regions.repository';
import { VILLAGE_LEVEL } from '../../domain/regions';

export type ScopeProblem = 'region_required' | 'region_unknown' | 'point_required' | 'point_unknown';
export type UserProblem = ScopeProblem | 'username_taken';

export class UserInputError extends Error {
	constructor(
		readonly field: 'username' | 'scopeCode',
		readonly problem: UserProblem
	) {
		super(problem);
	}
}

export interface UserScopeInput {
	role: Role;
	/** A region code for analysts and reviewers; the point's village code for staff. */
	scopeCode?: string | null;
}

/** Analysts and reviewers need a region above village level; staff need exactly one point. */
async function resolveScope(db: Db, input: UserScopeInput) {
	if (input.role === 'analyst' || input.role === 'reviewer') {
		if (!input.scopeCode) throw new UserInputError('scopeCode', 'region_required');
		const region = await findRegion(db, input.scopeCode);
		if (!region || region.level >= VILLAGE_LEVEL) throw new UserInputError('scopeCode', 'region_unknown');
		return { region_code: region.code, point_id: null };
	}
	if (input.role === 'staff') {
		if (!input.scopeCode) throw new UserInputError('scopeCode', 'point_required');
		const point = await findPointByRegion(db, input.scopeCode);
		if (!point || !point.active) throw new UserInputError('scopeCode', 'point_unknown');
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
		if (await findUserByUsername(trx, username)) throw new UserInputError('username', 'username_taken');
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
		if (!before) throw new Error('user not found');
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

export type ChangePasswordResult = 'ok' | 'wrong_current' | 'same_as_current' | { locked: number };

/** Sets a new password, clears the first-sign-in flag and ends the user's other sessions. */
export async function changePassword(
	db: Db,
	user: Pick<UserRow, 'id'>,
	current: string,
	next: string,
	keepToken: string | null,
	ip: string | null
): Promise<ChangePasswordResult> {
	const row = await findUser(db, user.id);
	if (!row) return 'wrong_current';
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
	if (!checked.ok) return checked.reason === 'locked' ? { locked: checked.seconds } : 'wrong_current';
	await clearFailures(db, keys);
	if (current === next) return 'same_as_current';
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
	return 'ok';
}
