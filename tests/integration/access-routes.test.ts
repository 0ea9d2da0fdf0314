// Every role against the real load functions: in scope gives data, out of scope a 404, signed out
// a redirect to sign in.
import { isHttpError, isRedirect } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../src/lib/domain/roles';
import * as adminHome from '../../src/routes/(app)/admin/+page.server';
import * as adminAudit from '../../src/routes/(app)/admin/audit/+page.server';
import * as adminImport from '../../src/routes/(app)/admin/import/+page.server';
import * as adminPoint from '../../src/routes/(app)/admin/points/[id=id]/+page.server';
import * as adminPoints from '../../src/routes/(app)/admin/points/+page.server';
import * as adminRegions from '../../src/routes/(app)/admin/regions/+page.server';
import * as adminUser from '../../src/routes/(app)/admin/users/[id=id]/+page.server';
import * as adminUsers from '../../src/routes/(app)/admin/users/+page.server';
import * as pointPage from '../../src/routes/(app)/points/[id=id]/+page.server';
import * as regionPage from '../../src/routes/(app)/regions/[code=region]/+page.server';
import * as home from '../../src/routes/+page.server';
import { callAction, callLoad, makeEvent, thrownBy, useLocale } from '../helpers/event';
import { countRows } from '../helpers/factories';
import { useScenario } from '../helpers/scenario';

useLocale('zh');

// The tests only read, but for one user that is created and deleted again.
const s = useScenario(
	{
		trees: ['65'],
		points: {
			own: 'village',
			sameTownship: 'community',
			otherCounty: 'otherVillage',
			otherProvince: { at: 'village', tree: '65' }
		},
		users: {
			admin: 'admin',
			analyst: ['analyst', 'city'],
			reviewer: ['reviewer', 'county'],
			staff: ['staff', 'village']
		}
	},
	{ fresh: 'all' }
);
const { tree, points, users } = s;

const roles: Role[] = ['admin', 'analyst', 'reviewer', 'staff'];

const who = (role: Role) => (role === 'staff' ? 'staff member' : role);

function is404(e: unknown): boolean {
	return isHttpError(e, 404);
}

describe('the region page', () => {
	// Which roles see each region: analyst at the city 6401, reviewer at the county 640104,
	// staff at the village 640104001001 (staff have no region pages at all).
	const cases: { code: string; what: string; seenBy: Role[] }[] = [
		{ code: '6401', what: "the analyst's city, the reviewer's ancestor", seenBy: ['admin', 'analyst'] },
		{
			code: '640104',
			what: "the reviewer's county, inside the analyst's city",
			seenBy: ['admin', 'analyst', 'reviewer']
		},
		{
			code: '640104001',
			what: "a township in the reviewer's county",
			seenBy: ['admin', 'analyst', 'reviewer']
		},
		{
			code: '640104001001',
			what: "the staff member's own village",
			seenBy: ['admin', 'analyst', 'reviewer']
		},
		{ code: '640105', what: "a sibling of the reviewer's county", seenBy: ['admin', 'analyst'] },
		{ code: '6402', what: "a sibling of the analyst's city", seenBy: ['admin'] },
		{ code: '64', what: 'the province above everyone', seenBy: ['admin'] },
		{ code: '65', what: 'another province', seenBy: ['admin'] }
	];
	for (const { code, what, seenBy } of cases) {
		for (const role of roles) {
			const sees = seenBy.includes(role);
			it(`${sees ? 'shows' : 'answers 404 to'} the ${who(role)} on ${code}, ${what}`, async () => {
				const event = makeEvent({ user: users[role], params: { code }, url: `/regions/${code}` });
				if (sees) {
					const data = await callLoad(regionPage.load, event);
					expect(data.region.code).toBe(code);
				} else {
					expect(is404(await thrownBy(() => callLoad(regionPage.load, event)))).toBe(true);
				}
			});
		}
	}

	it('lists the children with their point counts, and links only the breadcrumbs in scope', async () => {
		const data = await callLoad(
			regionPage.load,
			makeEvent({ user: users.reviewer, params: { code: tree.township }, url: `/regions/${tree.township}` })
		);
		expect(data.children).toEqual([
			{ code: tree.village, name: '红花村委会', level: 5, points: 1, activePoints: 1 },
			{ code: tree.community, name: '满春社区居委会', level: 5, points: 1, activePoints: 1 }
		]);
		expect(data.breadcrumbs.map((b: { code: string; linked: boolean }) => [b.code, b.linked])).toEqual([
			['64', false],
			['6401', false],
			['640104', true],
			['640104001', true]
		]);
		expect(data.counts).toEqual({ total: 2, active: 2 });
		expect(data.points.map((p: { id: number }) => p.id).sort()).toEqual(
			[points.own.id, points.sameTownship.id].sort()
		);
	});

	it("counts only the points inside the region, not a sibling's", async () => {
		const data = await callLoad(
			regionPage.load,
			makeEvent({ user: users.analyst, params: { code: tree.city }, url: `/regions/${tree.city}` })
		);
		expect(data.counts).toEqual({ total: 3, active: 3 });
		expect(data.points.map((p: { id: number }) => p.id)).not.toContain(points.otherProvince.id);
	});

	it('opens a village page with its own point', async () => {
		const data = await callLoad(
			regionPage.load,
			makeEvent({ user: users.reviewer, params: { code: tree.village }, url: `/regions/${tree.village}` })
		);
		expect(data.ownPointId).toBe(points.own.id);
		expect(data.children).toEqual([]);
	});

	it('answers 404 for a well-formed code that is not in the database, even to an admin', async () => {
		const e = await thrownBy(() =>
			callLoad(regionPage.load, makeEvent({ user: users.admin, params: { code: '6499' } }))
		);
		expect(is404(e)).toBe(true);
	});

	it('sends a signed-out visitor to sign in, and back here afterwards', async () => {
		const e = await thrownBy(() =>
			callLoad(regionPage.load, makeEvent({ params: { code: '6401' }, url: '/regions/6401?q=%E6%BB%A1' }))
		);
		expect(isRedirect(e) && e.status === 303 && e.location).toBe(
			'/login?redirectTo=%2Fregions%2F6401%3Fq%3D%25E6%25BB%25A1'
		);
	});
});

describe('the point page', () => {
	const cases: { key: keyof typeof points; what: string; seenBy: Role[] }[] = [
		{ key: 'own', what: "the staff member's point", seenBy: ['admin', 'analyst', 'reviewer', 'staff'] },
		{
			key: 'sameTownship',
			what: 'another point in the same township',
			seenBy: ['admin', 'analyst', 'reviewer']
		},
		{ key: 'otherCounty', what: "a point in the reviewer's sibling county", seenBy: ['admin', 'analyst'] },
		{ key: 'otherProvince', what: 'a point in another province', seenBy: ['admin'] }
	];
	for (const { key, what, seenBy } of cases) {
		for (const role of roles) {
			const sees = seenBy.includes(role);
			it(`${sees ? 'shows' : 'answers 404 to'} the ${who(role)} ${what}`, async () => {
				const id = String(points[key].id);
				const event = makeEvent({ user: users[role], params: { id }, url: `/points/${id}` });
				if (sees) {
					const data = await callLoad(pointPage.load, event);
					expect(data.point.id).toBe(points[key].id);
					expect(data.point.regionCode).toBe(points[key].regionCode);
				} else {
					expect(is404(await thrownBy(() => callLoad(pointPage.load, event)))).toBe(true);
				}
			});
		}
	}

	const may = { admin: [], analyst: [], reviewer: ['review'], staff: ['edit'] } as Record<Role, string[]>;
	for (const role of roles) {
		const edit = may[role].includes('edit');
		const review = may[role].includes('review');
		it(`offers the ${who(role)} ${[edit && 'editing', review && 'review'].filter(Boolean).join(' and ') || 'nothing to change'} on a point in scope`, async () => {
			const id = String(points.own.id);
			const data = await callLoad(pointPage.load, makeEvent({ user: users[role], params: { id } }));
			expect(data.can).toEqual({ edit, review });
		});
	}

	it('answers 404 for a point that does not exist', async () => {
		const e = await thrownBy(() =>
			callLoad(pointPage.load, makeEvent({ user: users.admin, params: { id: '99999' } }))
		);
		expect(is404(e)).toBe(true);
	});

	it('sends a signed-out visitor to sign in', async () => {
		const id = String(points.own.id);
		const e = await thrownBy(() =>
			callLoad(pointPage.load, makeEvent({ params: { id }, url: `/points/${id}` }))
		);
		expect(isRedirect(e) && e.location).toBe(`/login?redirectTo=%2Fpoints%2F${id}`);
	});
});

describe('the admin pages', () => {
	// 'POINT' and 'USER' stand for ids known only once the database is built.
	const pages: { name: string; load: (event: never) => unknown; params: Record<string, string> }[] = [
		{ name: '/admin', load: adminHome.load, params: {} },
		{ name: '/admin/audit', load: adminAudit.load, params: {} },
		{ name: '/admin/import', load: adminImport.load, params: {} },
		{ name: '/admin/points', load: adminPoints.load, params: {} },
		{ name: '/admin/points/[id]', load: adminPoint.load, params: { id: 'POINT' } },
		{ name: '/admin/regions', load: adminRegions.load, params: {} },
		{ name: '/admin/users', load: adminUsers.load, params: {} },
		{ name: '/admin/users/[id]', load: adminUser.load, params: { id: 'USER' } }
	];
	const paramsFor = (params: Record<string, string>) =>
		Object.fromEntries(
			Object.entries(params).map(([k, v]) => [
				k,
				v === 'POINT' ? String(points.own.id) : v === 'USER' ? String(users.staff.id) : v
			])
		);

	for (const { name, load, params } of pages) {
		for (const role of roles.filter((r) => r !== 'admin')) {
			it(`${name} answers 404 to the ${who(role)}`, async () => {
				const e = await thrownBy(() =>
					callLoad(load, makeEvent({ user: users[role], params: paramsFor(params) }))
				);
				expect(is404(e)).toBe(true);
			});
		}

		it(`${name} loads for the admin`, async () => {
			const data = await callLoad(load, makeEvent({ user: users.admin, params: paramsFor(params) }));
			expect(data).toBeTypeOf('object');
		});

		it(`${name} sends a signed-out visitor to sign in`, async () => {
			const e = await thrownBy(() => callLoad(load, makeEvent({ params: paramsFor(params), url: '/admin' })));
			expect(isRedirect(e) && e.location).toBe('/login?redirectTo=%2Fadmin');
		});
	}

	it('shows the admin the region and point counts', async () => {
		const data = await callLoad(adminHome.load, makeEvent({ user: users.admin }));
		expect(data.levels).toEqual({ 1: 2, 2: 4, 3: 4, 4: 4, 5: 6 });
		expect(data.points).toEqual({ total: 4, active: 4 });
		expect(data.users).toBe(4);
	});

	it('answers a successful user creation with a 200 and the one-time password, not a failure', async () => {
		const result = (await callAction(
			adminUsers.actions.create,
			makeEvent({
				user: users.admin,
				form: { username: 'new.one', displayName: '新同事', role: 'reviewer', scopeCode: tree.county }
			})
		)) as { status?: number; form?: { valid: boolean; message?: { username: string; password: string } } };
		// An ActionFailure carries a status; a success is the plain data.
		expect(result.status).toBeUndefined();
		expect(result.form?.valid).toBe(true);
		expect(result.form?.message?.username).toBe('new.one');
		expect(result.form?.message?.password.length).toBeGreaterThanOrEqual(10);
		await s.db.deleteFrom('users').where('username', '=', 'new.one').execute();
	});

	it('refuses admin actions to other roles with a 404 and changes nothing', async () => {
		const pointsBefore = await countRows(s.db, 'points');
		const usersBefore = await countRows(s.db, 'users');
		const mark = await thrownBy(() =>
			callAction(
				adminRegions.actions.mark,
				makeEvent({ user: users.reviewer, form: { code: tree.otherVillage, type: 'village' } })
			)
		);
		expect(is404(mark)).toBe(true);
		const create = await thrownBy(() =>
			callAction(
				adminUsers.actions.create,
				makeEvent({
					user: users.analyst,
					form: { username: 'sneaky', displayName: '某人', role: 'admin', scopeCode: '' }
				})
			)
		);
		expect(is404(create)).toBe(true);
		const deactivate = await thrownBy(() =>
			callAction(
				adminPoint.actions.deactivate,
				makeEvent({ user: users.staff, form: {}, params: { id: String(points.own.id) } })
			)
		);
		expect(is404(deactivate)).toBe(true);
		expect(await countRows(s.db, 'points')).toBe(pointsBefore);
		expect(await countRows(s.db, 'users')).toBe(usersBefore);
		const own = await s.db
			.selectFrom('points')
			.select('active')
			.where('id', '=', points.own.id)
			.executeTakeFirstOrThrow();
		expect(own.active).toBe(1);
	});
});

describe('the home page', () => {
	const start: Record<Role, () => string> = {
		admin: () => '/admin',
		analyst: () => `/trends/${tree.city}`,
		reviewer: () => `/regions/${tree.county}`,
		staff: () => `/points/${points.own.id}`
	};
	for (const role of roles) {
		it(`sends the ${who(role)} to their own start page`, async () => {
			const e = await thrownBy(() => callLoad(home.load, makeEvent({ user: users[role] })));
			expect(isRedirect(e) && e.location).toBe(start[role]());
		});
	}

	it('sends a signed-out visitor to sign in', async () => {
		const e = await thrownBy(() => callLoad(home.load, makeEvent()));
		expect(isRedirect(e) && e.location).toBe('/login');
	});
});
