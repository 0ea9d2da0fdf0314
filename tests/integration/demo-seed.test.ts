import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../../src/lib/server/auth/sign-in.service';
import type { Db } from '../../src/lib/server/db';
import { DEMO_MARKER, REVIEWER_COUNTY, seedDemo, type DemoAccount } from '../../src/lib/server/demo/seed';
import { countRegionsByLevel } from '../../src/lib/server/regions/regions.repository';
import { freshDatabase } from '../helpers/db';
import { auditRows } from '../helpers/factories';

let db: Db;
let close: () => Promise<void>;
let accounts: DemoAccount[];

beforeAll(async () => {
	({ db, close } = await freshDatabase());
	accounts = await seedDemo(db);
});
afterAll(() => close());

describe('the demo database', () => {
	it('holds the whole Ningxia hierarchy: 1 province, 5 cities, 22 counties, 259 townships, 2912 villages', async () => {
		expect(await countRegionsByLevel(db)).toEqual({ 1: 1, 2: 5, 3: 22, 4: 259, 5: 2912 });
		const province = await db
			.selectFrom('regions')
			.selectAll()
			.where('level', '=', 1)
			.executeTakeFirstOrThrow();
		expect(province).toEqual({ code: '64', parent_code: null, level: 1, name: '宁夏回族自治区' });
	});

	it('hangs every region under a parent one level up', async () => {
		const mislevelled = await db
			.selectFrom('regions as r')
			.innerJoin('regions as p', 'p.code', 'r.parent_code')
			.select('r.code')
			.where((eb) => eb('p.level', '!=', eb('r.level', '-', 1)))
			.execute();
		expect(mislevelled).toEqual([]);
		const noParent = await db
			.selectFrom('regions as r')
			.leftJoin('regions as p', 'p.code', 'r.parent_code')
			.select('r.code')
			.where('r.level', '>', 1)
			.where('p.code', 'is', null)
			.execute();
		expect(noParent).toEqual([]);
	});

	it('has 46 active points on villages, covering all 22 counties and both types', async () => {
		const points = await db
			.selectFrom('points')
			.innerJoin('regions', 'regions.code', 'points.region_code')
			.select(['points.region_code', 'points.type', 'points.active', 'regions.level'])
			.execute();
		expect(points).toHaveLength(46);
		expect(points.every((p) => p.active === 1 && p.level === 5)).toBe(true);
		const counties = await db.selectFrom('regions').select('code').where('level', '=', 3).execute();
		const covered = new Set(points.map((p) => p.region_code.slice(0, 6)));
		expect([...covered].sort()).toEqual(counties.map((c) => c.code).sort());
		const types = points.reduce<Record<string, number>>(
			(n, p) => ({ ...n, [p.type]: (n[p.type] ?? 0) + 1 }),
			{}
		);
		expect(types.village).toBeGreaterThan(0);
		expect(types.community).toBeGreaterThan(0);
		expect(types.village + types.community).toBe(46);
	});

	it('has four accounts, one per role, that need no password change', async () => {
		const users = await db
			.selectFrom('users')
			.select(['username', 'role', 'region_code', 'point_id', 'must_change_password', 'active'])
			.orderBy('id')
			.execute();
		expect(users.map((u) => u.role)).toEqual(['admin', 'analyst', 'reviewer', 'staff']);
		expect(users.every((u) => u.must_change_password === 0 && u.active === 1)).toBe(true);
		expect(users.find((u) => u.role === 'analyst')?.region_code).toBe('64');
		expect(users.find((u) => u.role === 'reviewer')?.region_code).toBe(REVIEWER_COUNTY);
		const staff = users.find((u) => u.role === 'staff')!;
		const point = await db
			.selectFrom('points')
			.selectAll()
			.where('id', '=', staff.point_id!)
			.executeTakeFirstOrThrow();
		// The staff member's point lies in the reviewer's county, so the demo shows a review chain.
		expect(point.region_code.startsWith(REVIEWER_COUNTY)).toBe(true);
		expect(accounts.map((a) => a.username)).toEqual(users.map((u) => u.username));
	});

	it('lets the demo accounts sign in with their published passwords', async () => {
		for (const a of accounts.slice(0, 2)) {
			const result = await signIn(db, { username: a.username, password: a.password, ip: '127.0.0.1' });
			expect(result.ok).toBe(true);
		}
	});

	it('records the import and each point in the audit log, and marks itself as a demo', async () => {
		expect(await auditRows(db, { action: 'regions.import' })).toHaveLength(1);
		expect(await auditRows(db, { action: 'point.create' })).toHaveLength(46);
		const marker = await db
			.selectFrom('app_settings')
			.selectAll()
			.where('key', '=', DEMO_MARKER)
			.executeTakeFirst();
		expect(marker?.value).toMatch(/^\d{4}-\d\d-\d\dT/);
	});
});
