// Every change lands with its audit row in the same transaction; a refused change leaves neither.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/lib/server/auth/password';
import { lucia } from '../../src/lib/server/auth/session';
import type { Db } from '../../src/lib/server/db';
import { markAsPoint, setPointActive, updatePointDetails } from '../../src/lib/server/points/points.service';
import { Refusal } from '../../src/lib/server/refusal';
import { importDivisions } from '../../src/lib/server/regions/division-import';
import {
	createUser,
	resetPassword,
	setUserActive,
	updateUserProfile
} from '../../src/lib/server/users/users.service';
import { freshDatabase } from '../helpers/db';
import { divisionCsv, divisionRow } from '../helpers/divisions';
import {
	auditRows,
	countRows,
	newRegionTree,
	newUser,
	signedIn,
	type RegionTree,
	type TestUser
} from '../helpers/factories';

let db: Db;
let close: () => Promise<void>;
let tree: RegionTree;
let admin: TestUser;

beforeAll(async () => {
	({ db, close } = await freshDatabase());
	tree = await newRegionTree(db);
	admin = await newUser(db, 'admin');
});
afterAll(() => close());

const changesOf = (row: { changes: string | null }) => JSON.parse(row.changes ?? 'null');

async function pointRow(id: number) {
	return db.selectFrom('points').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describe('users', () => {
	let analystId: number;

	it('creating a user writes user.create with the visible fields and never the hash', async () => {
		const { id } = await createUser(db, admin.id, {
			username: 'Zhang.Wei',
			displayName: ' 张伟 ',
			role: 'analyst',
			scopeCode: tree.city,
			password: 'initial-password-1'
		});
		analystId = id;
		const rows = await auditRows(db, { action: 'user.create', entityId: id });
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ user_id: admin.id, entity_type: 'user' });
		const changes = changesOf(rows[0]);
		expect(changes).toMatchObject({
			username: 'zhang.wei',
			display_name: '张伟',
			role: 'analyst',
			region_code: tree.city,
			point_id: null,
			must_change_password: 1,
			active: 1
		});
		expect(rows[0].changes).not.toContain('password_hash');
		expect(rows[0].changes).not.toContain('initial-password-1');
	});

	it('a taken username is refused, with no user and no audit row', async () => {
		const users = await countRows(db, 'users');
		const audit = await countRows(db, 'audit_log');
		const refused = createUser(db, admin.id, {
			username: 'ZHANG.WEI',
			displayName: '另一个张伟',
			role: 'admin'
		});
		await expect(refused).rejects.toThrow(Refusal);
		await expect(refused).rejects.toMatchObject({ field: 'username', code: 'username_taken' });
		expect(await countRows(db, 'users')).toBe(users);
		expect(await countRows(db, 'audit_log')).toBe(audit);
	});

	const refusedScopes = [
		{
			what: 'an analyst without a region',
			input: { role: 'analyst' as const, scopeCode: null },
			problem: 'region_required'
		},
		// Codes from newRegionTree(db): 640104001001 is a village, 640105001001 never becomes a point.
		{
			what: 'a reviewer on a village',
			input: { role: 'reviewer' as const, scopeCode: '640104001001' },
			problem: 'region_unknown'
		},
		{
			what: 'a reviewer on an unknown region',
			input: { role: 'reviewer' as const, scopeCode: '6499' },
			problem: 'region_unknown'
		},
		{
			what: 'staff without a point',
			input: { role: 'staff' as const, scopeCode: null },
			problem: 'point_required'
		},
		{
			what: 'staff on a village that is not a point',
			input: { role: 'staff' as const, scopeCode: '640105001001' },
			problem: 'point_unknown'
		}
	];
	it.each(refusedScopes.map((c) => [c.what, c] as const))(
		'%s is refused and nothing is written',
		async (_what, { input, problem }) => {
			const users = await countRows(db, 'users');
			const audit = await countRows(db, 'audit_log');
			await expect(
				createUser(db, admin.id, { username: `u-${problem}`, displayName: '某人', ...input })
			).rejects.toMatchObject({
				field: 'scopeCode',
				code: problem
			});
			expect(await countRows(db, 'users')).toBe(users);
			expect(await countRows(db, 'audit_log')).toBe(audit);
		}
	);

	it('updating a profile writes user.update with only what changed, from and to', async () => {
		await updateUserProfile(db, admin.id, analystId, {
			displayName: '张伟',
			role: 'reviewer',
			scopeCode: tree.county
		});
		const rows = await auditRows(db, { action: 'user.update', entityId: analystId });
		expect(rows).toHaveLength(1);
		expect(rows[0].user_id).toBe(admin.id);
		expect(changesOf(rows[0])).toEqual({
			role: ['analyst', 'reviewer'],
			region_code: [tree.city, tree.county]
		});
		const user = await db
			.selectFrom('users')
			.selectAll()
			.where('id', '=', analystId)
			.executeTakeFirstOrThrow();
		expect([user.role, user.region_code]).toEqual(['reviewer', tree.county]);
	});

	it('saving a profile unchanged writes no audit row', async () => {
		const before = await countRows(db, 'audit_log');
		await updateUserProfile(db, admin.id, analystId, {
			displayName: '张伟',
			role: 'reviewer',
			scopeCode: tree.county
		});
		expect(await countRows(db, 'audit_log')).toBe(before);
	});

	it('a refused profile change leaves the user and the log as they were', async () => {
		const before = await db
			.selectFrom('users')
			.selectAll()
			.where('id', '=', analystId)
			.executeTakeFirstOrThrow();
		const audit = await countRows(db, 'audit_log');
		await expect(
			updateUserProfile(db, admin.id, analystId, {
				displayName: '新名字',
				role: 'analyst',
				scopeCode: '6499'
			})
		).rejects.toMatchObject({ code: 'region_unknown' });
		expect(
			await db.selectFrom('users').selectAll().where('id', '=', analystId).executeTakeFirstOrThrow()
		).toEqual(before);
		expect(await countRows(db, 'audit_log')).toBe(audit);
	});

	it('a change of role or scope signs the user out everywhere; a new name alone does not', async () => {
		const a = await signedIn(analystId);
		await updateUserProfile(db, admin.id, analystId, {
			displayName: '张伟（改）',
			role: 'reviewer',
			scopeCode: tree.county
		});
		expect((await lucia.validateSession(a.token)).session).not.toBeNull();
		await updateUserProfile(db, admin.id, analystId, {
			displayName: '张伟（改）',
			role: 'reviewer',
			scopeCode: tree.township
		});
		expect((await lucia.validateSession(a.token)).session).toBeNull();
	});

	it('resetting a password sets a new one-time password, asks for a change and ends sessions', async () => {
		const s = await signedIn(analystId);
		const password = await resetPassword(db, admin.id, analystId);
		const user = await db
			.selectFrom('users')
			.selectAll()
			.where('id', '=', analystId)
			.executeTakeFirstOrThrow();
		expect(await verifyPassword(user.password_hash, password)).toBe(true);
		expect(user.must_change_password).toBe(1);
		expect((await lucia.validateSession(s.token)).session).toBeNull();
		expect(await auditRows(db, { action: 'user.reset_password', entityId: analystId })).toHaveLength(1);
	});

	it('deactivating a user ends their sessions and is audited; a repeat is a no-op', async () => {
		const s = await signedIn(analystId);
		await setUserActive(db, admin.id, analystId, false);
		await setUserActive(db, admin.id, analystId, false);
		expect((await lucia.validateSession(s.token)).session).toBeNull();
		const rows = await auditRows(db, { action: 'user.deactivate', entityId: analystId });
		expect(rows.map(changesOf)).toEqual([{ active: [1, 0] }]);
		await setUserActive(db, admin.id, analystId, true);
		expect((await auditRows(db, { action: 'user.activate', entityId: analystId })).map(changesOf)).toEqual([
			{ active: [0, 1] }
		]);
	});
});

describe('points', () => {
	let pointId: number;

	it('marking a village as a point writes point.create with the guessed type', async () => {
		pointId = await markAsPoint(db, admin.id, tree.community);
		const point = await pointRow(pointId);
		expect(point).toMatchObject({
			region_code: tree.community,
			type: 'community',
			active: 1,
			deactivated_at: null
		});
		const rows = await auditRows(db, { entityType: 'point', entityId: pointId });
		expect(rows.map((r) => [r.action, r.user_id, changesOf(r)])).toEqual([
			['point.create', admin.id, { region_code: tree.community, type: 'community' }]
		]);
	});

	const refusedMarks = [
		{ what: 'a township', code: '640104001', problem: 'point_not_village_level' },
		{ what: 'a county', code: '640104', problem: 'point_not_village_level' },
		{ what: 'an unknown code', code: '640104001999', problem: 'region_not_found' }
	];
	it.each(refusedMarks.map((c) => [c.what, c] as const))(
		'marking %s is refused with no point and no audit row',
		async (_what, { code, problem }) => {
			const points = await countRows(db, 'points');
			const audit = await countRows(db, 'audit_log');
			const refused = markAsPoint(db, admin.id, code, 'village');
			await expect(refused).rejects.toThrow(Refusal);
			await expect(refused).rejects.toMatchObject({ code: problem });
			expect(await countRows(db, 'points')).toBe(points);
			expect(await countRows(db, 'audit_log')).toBe(audit);
		}
	);

	it('updating details writes point.update with only what changed', async () => {
		await updatePointDetails(db, admin.id, pointId, {
			type: 'village',
			contactName: '李红',
			contactPhone: null
		});
		const rows = await auditRows(db, { action: 'point.update', entityId: pointId });
		expect(rows.map(changesOf)).toEqual([{ type: ['community', 'village'], contact_name: [null, '李红'] }]);
		expect(await pointRow(pointId)).toMatchObject({
			type: 'village',
			contact_name: '李红',
			contact_phone: null
		});
		await updatePointDetails(db, admin.id, pointId, {
			type: 'village',
			contactName: '李红',
			contactPhone: null
		});
		expect(await auditRows(db, { action: 'point.update', entityId: pointId })).toHaveLength(1);
	});

	it('deactivating keeps the point, marks when, and is audited', async () => {
		await setPointActive(db, admin.id, pointId, false);
		const point = await pointRow(pointId);
		expect(point.active).toBe(0);
		expect(point.deactivated_at).toMatch(/^\d{4}-\d\d-\d\dT/);
		expect(point.contact_name).toBe('李红');
		const rows = await auditRows(db, { action: 'point.deactivate', entityId: pointId });
		expect(rows.map((r) => [r.user_id, changesOf(r)])).toEqual([[admin.id, { active: [1, 0] }]]);
	});

	it('marking the village again reactivates the same point rather than adding one', async () => {
		const points = await countRows(db, 'points');
		expect(await markAsPoint(db, admin.id, tree.community)).toBe(pointId);
		expect(await countRows(db, 'points')).toBe(points);
		const point = await pointRow(pointId);
		expect(point).toMatchObject({ active: 1, deactivated_at: null, type: 'village', contact_name: '李红' });
		const actions = (await auditRows(db, { entityType: 'point', entityId: pointId })).map((r) => r.action);
		expect(actions).toEqual(['point.create', 'point.update', 'point.deactivate', 'point.activate']);
	});

	it('marking an active point again changes nothing and writes nothing', async () => {
		const audit = await countRows(db, 'audit_log');
		expect(await markAsPoint(db, admin.id, tree.community)).toBe(pointId);
		expect(await countRows(db, 'audit_log')).toBe(audit);
	});

	it('activating an active point writes nothing', async () => {
		const audit = await countRows(db, 'audit_log');
		await setPointActive(db, admin.id, pointId, true);
		expect(await countRows(db, 'audit_log')).toBe(audit);
	});
});

describe('when the audit row cannot be written', () => {
	// A trigger makes the audit insert fail, to show the change itself is rolled back with it.
	async function withAuditFailing(action: string, run: () => Promise<unknown>) {
		await sql`create trigger audit_down before insert on audit_log when new.action = ${sql.lit(action)}
			begin select raise(abort, 'audit unavailable'); end`.execute(db);
		try {
			await expect(run()).rejects.toThrow(/audit unavailable/);
		} finally {
			await sql`drop trigger audit_down`.execute(db);
		}
	}

	it('no user is created', async () => {
		const users = await countRows(db, 'users');
		await withAuditFailing('user.create', () =>
			createUser(db, admin.id, { username: 'ghost', displayName: '幽灵', role: 'admin' })
		);
		expect(await countRows(db, 'users')).toBe(users);
	});

	it('no point is marked', async () => {
		const points = await countRows(db, 'points');
		await withAuditFailing('point.create', () => markAsPoint(db, admin.id, tree.otherVillage));
		expect(await countRows(db, 'points')).toBe(points);
	});

	it('no point is deactivated', async () => {
		const id = await markAsPoint(db, admin.id, tree.village);
		await withAuditFailing('point.deactivate', () => setPointActive(db, admin.id, id, false));
		expect(await pointRow(id)).toMatchObject({ active: 1, deactivated_at: null });
	});

	it('no profile is changed', async () => {
		const user = await newUser(db, 'reviewer', tree.county);
		await withAuditFailing('user.update', () =>
			updateUserProfile(db, admin.id, user.id, {
				displayName: '改名',
				role: 'reviewer',
				scopeCode: tree.county
			})
		);
		const row = await db
			.selectFrom('users')
			.select('display_name')
			.where('id', '=', user.id)
			.executeTakeFirstOrThrow();
		expect(row.display_name).toBe(user.name);
	});

	it('no region is imported', async () => {
		const regions = await countRows(db, 'regions');
		const files = [divisionCsv('villages', [divisionRow('villages', '640104001003', '新华村委会')])];
		await withAuditFailing('regions.import', () => importDivisions(db, files, admin.id));
		expect(await countRows(db, 'regions')).toBe(regions);
	});
});
