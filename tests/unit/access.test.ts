import { isHttpError, isRedirect } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import type { PublicUser, Role } from '../../src/lib/domain/roles';
import {
	canAdminister,
	readerScope,
	canEditPointRecords,
	canReviewPoint,
	canSeePoint,
	canSeeRegion,
	requirePoint,
	requireRegion,
	requireRole,
	requireUser
} from '../../src/lib/server/auth/access';

// Ningxia codes: 64 宁夏 › 6401 银川市 › 640104 兴庆区 › 640104001 街道 › 640104001001 社区.
const CITY = '6401';
const COUNTY = '640104';
const OWN_VILLAGE = '640104001001';

const users: Record<Role, PublicUser> = {
	admin: user(1, 'admin', null, null),
	analyst: user(2, 'analyst', CITY, null),
	reviewer: user(3, 'reviewer', COUNTY, null),
	staff: user(4, 'staff', null, 10)
};

function user(id: number, role: Role, regionCode: string | null, pointId: number | null): PublicUser {
	return { id, username: role, name: role, role, regionCode, pointId, mustChangePassword: false };
}

// Regions seen from the users above.
const regions = {
	province: '64',
	city: CITY,
	otherCity: '6402',
	county: COUNTY,
	siblingCounty: '640105',
	township: '640104001',
	village: OWN_VILLAGE,
	villageInSiblingCounty: '640105001001',
	villageInOtherCity: '640202001001'
};

// Point 10 is the staff member's own point; the others are theirs to leave alone.
const points = {
	ownPoint: { id: 10, regionCode: OWN_VILLAGE },
	sameTownship: { id: 11, regionCode: '640104001002' },
	siblingCounty: { id: 12, regionCode: '640105001001' },
	otherCity: { id: 13, regionCode: '640202001001' }
};

type RegionKey = keyof typeof regions;
type PointKey = keyof typeof points;

const seesRegion: Record<Role, RegionKey[]> = {
	admin: Object.keys(regions) as RegionKey[],
	analyst: ['city', 'county', 'siblingCounty', 'township', 'village', 'villageInSiblingCounty'],
	reviewer: ['county', 'township', 'village'],
	staff: []
};
const seesPoint: Record<Role, PointKey[]> = {
	admin: ['ownPoint', 'sameTownship', 'siblingCounty', 'otherCity'],
	analyst: ['ownPoint', 'sameTownship', 'siblingCounty'],
	reviewer: ['ownPoint', 'sameTownship'],
	staff: ['ownPoint']
};
const reviewsPoint: Record<Role, PointKey[]> = {
	admin: [],
	analyst: [],
	reviewer: ['ownPoint', 'sameTownship'],
	staff: []
};
const editsPoint: Record<Role, PointKey[]> = {
	admin: [],
	analyst: [],
	reviewer: [],
	staff: ['ownPoint']
};

const roleList = Object.keys(users) as Role[];

const who = (role: Role) => (role === 'staff' ? 'staff member' : role);
const yes = (b: boolean, verb: string) => (b ? verb : `does not ${verb.replace(/s$/, '')}`);

describe('canSeeRegion', () => {
	for (const role of roleList) {
		for (const key of Object.keys(regions) as RegionKey[]) {
			const expected = seesRegion[role].includes(key);
			it(`the ${who(role)} ${yes(expected, 'sees')} region ${key} (${regions[key]})`, () => {
				expect(canSeeRegion(users[role], regions[key])).toBe(expected);
			});
		}
	}

	it('an analyst or reviewer with no region sees nothing', () => {
		expect(canSeeRegion(user(9, 'analyst', null, null), '64')).toBe(false);
		expect(canSeeRegion(user(9, 'reviewer', null, null), COUNTY)).toBe(false);
	});
});

describe('canSeePoint, canReviewPoint, canEditPointRecords', () => {
	for (const role of roleList) {
		for (const key of Object.keys(points) as PointKey[]) {
			const sees = seesPoint[role].includes(key);
			const reviews = reviewsPoint[role].includes(key);
			const edits = editsPoint[role].includes(key);
			it(`the ${who(role)} ${yes(sees, 'sees')}, ${yes(reviews, 'reviews')} and ${yes(edits, 'edits')} point ${key}`, () => {
				expect(canSeePoint(users[role], points[key])).toBe(sees);
				expect(canReviewPoint(users[role], points[key])).toBe(reviews);
				expect(canEditPointRecords(users[role], points[key])).toBe(edits);
			});
		}
	}

	it('a staff member with no point sees no point', () => {
		expect(canSeePoint(user(9, 'staff', null, null), points.ownPoint)).toBe(false);
	});
});

describe('canAdminister', () => {
	for (const role of roleList) {
		const expected = role === 'admin';
		it(`the ${who(role)} ${expected ? 'administers' : 'does not administer'}`, () => {
			expect(canAdminister(users[role])).toBe(expected);
		});
	}
});

describe('the require* guards', () => {
	const at = (path: string, u: PublicUser | null) => ({
		url: new URL(path, 'http://localhost'),
		locals: { user: u }
	});

	function thrown(run: () => unknown): unknown {
		try {
			run();
		} catch (e) {
			return e;
		}
		throw new Error('expected a throw');
	}

	it('sends a signed-out visitor to sign in, remembering where they were going', () => {
		const e = thrown(() => requireUser(at('/regions/6401?q=x', null)));
		expect(isRedirect(e) && e.location).toBe('/login?redirectTo=%2Fregions%2F6401%3Fq%3Dx');
		const home = thrown(() => requireUser(at('/', null)));
		expect(isRedirect(home) && home.location).toBe('/login');
	});

	it('sends a user who must change their password to /password, unless the page allows it', () => {
		const pending = { ...users.analyst, mustChangePassword: true };
		const e = thrown(() => requireUser(at('/regions/6401', pending)));
		expect(isRedirect(e) && e.status === 303 && e.location).toBe('/password');
		expect(requireUser(at('/password', pending), { allowPendingPassword: true })).toBe(pending);
	});

	it('answers 404 for a region, point or role outside the user scope', () => {
		expect(
			isHttpError(
				thrown(() => requireRegion(at('/', users.reviewer), regions.siblingCounty)),
				404
			)
		).toBe(true);
		expect(
			isHttpError(
				thrown(() => requirePoint(at('/', users.staff), points.sameTownship)),
				404
			)
		).toBe(true);
		expect(
			isHttpError(
				thrown(() => requirePoint(at('/', users.admin), undefined)),
				404
			)
		).toBe(true);
		expect(
			isHttpError(
				thrown(() => requireRole(at('/', users.analyst), 'admin')),
				404
			)
		).toBe(true);
	});

	it('returns the user when the region, point or role is in scope', () => {
		expect(requireRegion(at('/', users.reviewer), regions.township)).toBe(users.reviewer);
		expect(requirePoint(at('/', users.staff), points.ownPoint).user).toBe(users.staff);
		expect(requireRole(at('/', users.admin), 'admin')).toBe(users.admin);
	});
});

describe('readerScope', () => {
	it('limits analysts and reviewers to their region and leaves admins unlimited', () => {
		expect(readerScope({ id: 1, role: 'admin', regionCode: null, pointId: null })).toBeNull();
		expect(readerScope({ id: 2, role: 'analyst', regionCode: '6401', pointId: null })).toBe('6401');
	});

	it('answers 404 to a reader without a region instead of showing everything', () => {
		let thrown: unknown;
		try {
			readerScope({ id: 3, role: 'reviewer', regionCode: null, pointId: null });
		} catch (e) {
			thrown = e;
		}
		expect(isHttpError(thrown, 404)).toBe(true);
	});
});
