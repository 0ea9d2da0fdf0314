// Every change lands with its audit row in the same transaction; a refused change leaves neither.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/lib/server/auth/password';
import { lucia } from '../../src/lib/server/auth/session';
import { markAsPoint, setPointActive, updatePointDetails } from '../../src/lib/server/points/points.service';
import { Refusal } from '../../src/lib/server/refusal';
import { importDivisions } from '../../src/lib/server/regions/division-import';
import {
	createUser,
	resetPassword,
	setUserActive,
	updateUserProfile
} from '../../src/lib/server/users/users.service';
import { divisionCsv, divisionRow } from '../helpers/divisions';
import { auditRows, countRows, newUser, signedIn } from '../helpers/factories';
import { useScenario } from '../helpers/scenario';

// Each test gets its own database; one that checks a later step takes the earlier ones itself.
const scenario = useScenario({ users: { admin: 'admin' } }, { fresh: 'each' });
const { tree, users: u } = scenario;

const changesOf = (row: { changes: string | null }) => JSON.parse(row.changes ?? 'null');

async function pointRow(id: number) {
	return scenario.db.selectFrom('points').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describe('users', () => {
	/** 张伟, created as an analyst of the city; `moved`: then made a reviewer of the county. */
	async function analyst(stage: 'created' | 'moved' = 'created'): Promise<number> {
		const { id } = await createUser(scenario.db, u.admin.id, {
			username: 'Zhang.Wei',
			displayName: ' 张伟 ',
			role: 'analyst',
			scopeCode: tree.city,
			password: 'initial-password-1'
		});
		if (stage === 'moved')
			await updateUserProfile(scenario.db, u.admin.id, id, {
				displayName: '张伟',
				role: 'reviewer',
				scopeCode: tree.county
			});
		return id;
	}

	it('creating a user writes user.create with the visible fields and never the hash', async () => {
		const id = await analyst();
		const rows = await auditRows(scenario.db, { action: 'user.create', entityId: id });
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ user_id: u.admin.id, entity_type: 'user' });
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
		await analyst();
		const users = await countRows(scenario.db, 'users');
		const audit = await countRows(scenario.db, 'audit_log');
		const refused = createUser(scenario.db, u.admin.id, {
			username: 'ZHANG.WEI',
			displayName: '另一个张伟',
			role: 'admin'
		});
		await expect(refused).rejects.toThrow(Refusal);
		await expect(refused).rejects.toMatchObject({ field: 'username', code: 'username_taken' });
		expect(await countRows(scenario.db, 'users')).toBe(users);
		expect(await countRows(scenario.db, 'audit_log')).toBe(audit);
	});

	const refusedScopes = [
		{
			what: 'an analyst without a region',
			input: { role: 'analyst' as const, scopeCode: null },
			problem: 'region_required'
		},
		// Codes from newRegionTree(scenario.db): 640104001001 is a village, 640105001001 never becomes a point.
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
			const users = await countRows(scenario.db, 'users');
			const audit = await countRows(scenario.db, 'audit_log');
			await expect(
				createUser(scenario.db, u.admin.id, { username: `u-${problem}`, displayName: '某人', ...input })
			).rejects.toMatchObject({
				field: 'scopeCode',
				code: problem
			});
			expect(await countRows(scenario.db, 'users')).toBe(users);
			expect(await countRows(scenario.db, 'audit_log')).toBe(audit);
		}
	);

	it('updating a profile writes user.update with only what changed, from and to', async () => {
		const analystId = await analyst();
		await updateUserProfile(scenario.db, u.admin.id, analystId, {
			displayName: '张伟',
			role: 'reviewer',
			scopeCode: tree.county
		});
		const rows = await auditRows(scenario.db, { action: 'user.update', entityId: analystId });
		expect(rows).toHaveLength(1);
		expect(rows[0].user_id).toBe(u.admin.id);
		expect(changesOf(rows[0])).toEqual({
			role: ['analyst', 'reviewer'],
			region_code: [tree.city, tree.county]
		});
		const user = await scenario.db
			.selectFrom('users')
			.selectAll()
			.where('id', '=', analystId)
			.executeTakeFirstOrThrow();
		expect([user.role, user.region_code]).toEqual(['reviewer', tree.county]);
	});

	it('saving a profile unchanged writes no audit row', async () => {
		const analystId = await analyst('moved');
		const before = await countRows(scenario.db, 'audit_log');
		await updateUserProfile(scenario.db, u.admin.id, analystId, {
			displayName: '张伟',
			role: 'reviewer',
			scopeCode: tree.county
		});
		expect(await countRows(scenario.db, 'audit_log')).toBe(before);
	});

	it('a refused profile change leaves the user and the log as they were', async () => {
		const analystId = await analyst('moved');
		const before = await scenario.db
			.selectFrom('users')
			.selectAll()
			.where('id', '=', analystId)
			.executeTakeFirstOrThrow();
		const audit = await countRows(scenario.db, 'audit_log');
		await expect(
			updateUserProfile(scenario.db, u.admin.id, analystId, {
				displayName: '新名字',
				role: 'analyst',
				scopeCode: '6499'
			})
		).rejects.toMatchObject({ code: 'region_unknown' });
		expect(
			await scenario.db.selectFrom('users').selectAll().where('id', '=', analystId).executeTakeFirstOrThrow()
		).toEqual(before);
		expect(await countRows(scenario.db, 'audit_log')).toBe(audit);
	});

	it('a change of role or scope signs the user out everywhere; a new name alone does not', async () => {
		const analystId = await analyst('moved');
		const a = await signedIn(analystId);
		await updateUserProfile(scenario.db, u.admin.id, analystId, {
			displayName: '张伟（改）',
			role: 'reviewer',
			scopeCode: tree.county
		});
		expect((await lucia.validateSession(a.token)).session).not.toBeNull();
		await updateUserProfile(scenario.db, u.admin.id, analystId, {
			displayName: '张伟（改）',
			role: 'reviewer',
			scopeCode: tree.township
		});
		expect((await lucia.validateSession(a.token)).session).toBeNull();
	});

	it('resetting a password sets a new one-time password, asks for a change and ends sessions', async () => {
		const analystId = await analyst();
		const s = await signedIn(analystId);
		const password = await resetPassword(scenario.db, u.admin.id, analystId);
		const user = await scenario.db
			.selectFrom('users')
			.selectAll()
			.where('id', '=', analystId)
			.executeTakeFirstOrThrow();
		expect(await verifyPassword(user.password_hash, password)).toBe(true);
		expect(user.must_change_password).toBe(1);
		expect((await lucia.validateSession(s.token)).session).toBeNull();
		expect(await auditRows(scenario.db, { action: 'user.reset_password', entityId: analystId })).toHaveLength(
			1
		);
	});

	it('deactivating a user ends their sessions and is audited; a repeat is a no-op', async () => {
		const analystId = await analyst();
		const s = await signedIn(analystId);
		await setUserActive(scenario.db, u.admin.id, analystId, false);
		await setUserActive(scenario.db, u.admin.id, analystId, false);
		expect((await lucia.validateSession(s.token)).session).toBeNull();
		const rows = await auditRows(scenario.db, { action: 'user.deactivate', entityId: analystId });
		expect(rows.map(changesOf)).toEqual([{ active: [1, 0] }]);
		await setUserActive(scenario.db, u.admin.id, analystId, true);
		expect(
			(await auditRows(scenario.db, { action: 'user.activate', entityId: analystId })).map(changesOf)
		).toEqual([{ active: [0, 1] }]);
	});
});

describe('points', () => {
	const steps = ['marked', 'updated', 'deactivated', 'reactivated'] as const;
	/** The community marked as a point, then taken through the tests' steps up to `stage`. */
	async function communityPoint(stage: (typeof steps)[number] = 'marked'): Promise<number> {
		const id = await markAsPoint(scenario.db, u.admin.id, tree.community);
		const upTo = steps.indexOf(stage);
		if (upTo >= 1)
			await updatePointDetails(scenario.db, u.admin.id, id, {
				type: 'village',
				contactName: '李红',
				contactPhone: null
			});
		if (upTo >= 2) await setPointActive(scenario.db, u.admin.id, id, false);
		if (upTo >= 3) await markAsPoint(scenario.db, u.admin.id, tree.community);
		return id;
	}

	it('marking a village as a point writes point.create with the guessed type', async () => {
		const pointId = await communityPoint();
		const point = await pointRow(pointId);
		expect(point).toMatchObject({
			region_code: tree.community,
			type: 'community',
			active: 1,
			deactivated_at: null
		});
		const rows = await auditRows(scenario.db, { entityType: 'point', entityId: pointId });
		expect(rows.map((r) => [r.action, r.user_id, changesOf(r)])).toEqual([
			['point.create', u.admin.id, { region_code: tree.community, type: 'community' }]
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
			const points = await countRows(scenario.db, 'points');
			const audit = await countRows(scenario.db, 'audit_log');
			const refused = markAsPoint(scenario.db, u.admin.id, code, 'village');
			await expect(refused).rejects.toThrow(Refusal);
			await expect(refused).rejects.toMatchObject({ code: problem });
			expect(await countRows(scenario.db, 'points')).toBe(points);
			expect(await countRows(scenario.db, 'audit_log')).toBe(audit);
		}
	);

	it('updating details writes point.update with only what changed', async () => {
		const pointId = await communityPoint();
		await updatePointDetails(scenario.db, u.admin.id, pointId, {
			type: 'village',
			contactName: '李红',
			contactPhone: null
		});
		const rows = await auditRows(scenario.db, { action: 'point.update', entityId: pointId });
		expect(rows.map(changesOf)).toEqual([{ type: ['community', 'village'], contact_name: [null, '李红'] }]);
		expect(await pointRow(pointId)).toMatchObject({
			type: 'village',
			contact_name: '李红',
			contact_phone: null
		});
		await updatePointDetails(scenario.db, u.admin.id, pointId, {
			type: 'village',
			contactName: '李红',
			contactPhone: null
		});
		expect(await auditRows(scenario.db, { action: 'point.update', entityId: pointId })).toHaveLength(1);
	});

	it('deactivating keeps the point, marks when, and is audited', async () => {
		const pointId = await communityPoint('updated');
		await setPointActive(scenario.db, u.admin.id, pointId, false);
		const point = await pointRow(pointId);
		expect(point.active).toBe(0);
		expect(point.deactivated_at).toMatch(/^\d{4}-\d\d-\d\dT/);
		expect(point.contact_name).toBe('李红');
		const rows = await auditRows(scenario.db, { action: 'point.deactivate', entityId: pointId });
		expect(rows.map((r) => [r.user_id, changesOf(r)])).toEqual([[u.admin.id, { active: [1, 0] }]]);
	});

	it('marking the village again reactivates the same point rather than adding one', async () => {
		const pointId = await communityPoint('deactivated');
		const points = await countRows(scenario.db, 'points');
		expect(await markAsPoint(scenario.db, u.admin.id, tree.community)).toBe(pointId);
		expect(await countRows(scenario.db, 'points')).toBe(points);
		const point = await pointRow(pointId);
		expect(point).toMatchObject({ active: 1, deactivated_at: null, type: 'village', contact_name: '李红' });
		const actions = (await auditRows(scenario.db, { entityType: 'point', entityId: pointId })).map(
			(r) => r.action
		);
		expect(actions).toEqual(['point.create', 'point.update', 'point.deactivate', 'point.activate']);
	});

	it('marking an active point again changes nothing and writes nothing', async () => {
		const pointId = await communityPoint('reactivated');
		const audit = await countRows(scenario.db, 'audit_log');
		expect(await markAsPoint(scenario.db, u.admin.id, tree.community)).toBe(pointId);
		expect(await countRows(scenario.db, 'audit_log')).toBe(audit);
	});

	it('activating an active point writes nothing', async () => {
		const pointId = await communityPoint('reactivated');
		const audit = await countRows(scenario.db, 'audit_log');
		await setPointActive(scenario.db, u.admin.id, pointId, true);
		expect(await countRows(scenario.db, 'audit_log')).toBe(audit);
	});
});

describe('when the audit row cannot be written', () => {
	// A trigger makes the audit insert fail, to show the change itself is rolled back with it.
	async function withAuditFailing(action: string, run: () => Promise<unknown>) {
		await sql`create trigger audit_down before insert on audit_log when new.action = ${sql.lit(action)}
			begin select raise(abort, 'audit unavailable'); end`.execute(scenario.db);
		try {
			await expect(run()).rejects.toThrow(/audit unavailable/);
		} finally {
			await sql`drop trigger audit_down`.execute(scenario.db);
		}
	}

	it('no user is created', async () => {
		const users = await countRows(scenario.db, 'users');
		await withAuditFailing('user.create', () =>
			createUser(scenario.db, u.admin.id, { username: 'ghost', displayName: '幽灵', role: 'admin' })
		);
		expect(await countRows(scenario.db, 'users')).toBe(users);
	});

	it('no point is marked', async () => {
		const points = await countRows(scenario.db, 'points');
		await withAuditFailing('point.create', () => markAsPoint(scenario.db, u.admin.id, tree.otherVillage));
		expect(await countRows(scenario.db, 'points')).toBe(points);
	});

	it('no point is deactivated', async () => {
		const id = await markAsPoint(scenario.db, u.admin.id, tree.village);
		await withAuditFailing('point.deactivate', () => setPointActive(scenario.db, u.admin.id, id, false));
		expect(await pointRow(id)).toMatchObject({ active: 1, deactivated_at: null });
	});

	it('no profile is changed', async () => {
		const user = await newUser(scenario.db, 'reviewer', tree.county);
		await withAuditFailing('user.update', () =>
			updateUserProfile(scenario.db, u.admin.id, user.id, {
				displayName: '改名',
				role: 'reviewer',
				scopeCode: tree.county
			})
		);
		const row = await scenario.db
			.selectFrom('users')
			.select('display_name')
			.where('id', '=', user.id)
			.executeTakeFirstOrThrow();
		expect(row.display_name).toBe(user.name);
	});

	it('no region is imported', async () => {
		const regions = await countRows(scenario.db, 'regions');
		const files = [divisionCsv('villages', [divisionRow('villages', '640104001003', '新华村委会')])];
		await withAuditFailing('regions.import', () => importDivisions(scenario.db, files, u.admin.id));
		expect(await countRows(scenario.db, 'regions')).toBe(regions);
	});
});
