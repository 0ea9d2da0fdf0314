import type { Session } from 'lucia';
import type { PointType } from '../../src/lib/domain/regions';
import type { PublicUser, Role } from '../../src/lib/domain/roles';
import { lucia, toPublicUser } from '../../src/lib/server/auth/session';
import { now, type Db } from '../../src/lib/server/db';
import { insertPoint } from '../../src/lib/server/points/points.repository';
import { createUser } from '../../src/lib/server/users/users.service';

export interface RegionTree {
	province: string;
	/** The city holding everything below. */
	city: string;
	/** A sibling city, outside `city`'s subtree. */
	otherCity: string;
	county: string;
	/** A sibling county in the same city. */
	otherCounty: string;
	township: string;
	/** A 村委会 and a 社区居委会 in `township`. */
	village: string;
	community: string;
	/** A village in `otherCounty`. */
	otherVillage: string;
}

/**
 * A small NBS-shaped hierarchy written straight to the table (no import, no audit):
 * province → two cities; the first city → two counties, each with a township and villages.
 * Pass another two-digit province code to add a second, independent tree.
 */
export async function newRegionTree(db: Db, province = '64'): Promise<RegionTree> {
	const t: RegionTree = {
		province,
		city: `${province}01`,
		otherCity: `${province}02`,
		county: `${province}0104`,
		otherCounty: `${province}0105`,
		township: `${province}0104001`,
		village: `${province}0104001001`,
		community: `${province}0104001002`,
		otherVillage: `${province}0105001001`
	};
	const otherTownship = `${province}0105001`;
	await db
		.insertInto('regions')
		.values([
			{ code: t.province, parent_code: null, level: 1, name: '宁夏回族自治区' },
			{ code: t.city, parent_code: t.province, level: 2, name: '银川市' },
			{ code: t.otherCity, parent_code: t.province, level: 2, name: '石嘴山市' },
			{ code: t.county, parent_code: t.city, level: 3, name: '兴庆区' },
			{ code: t.otherCounty, parent_code: t.city, level: 3, name: '西夏区' },
			{ code: t.township, parent_code: t.county, level: 4, name: '凤凰北街街道' },
			{ code: otherTownship, parent_code: t.otherCounty, level: 4, name: '朔方路街道' },
			{ code: t.village, parent_code: t.township, level: 5, name: '红花村委会' },
			{ code: t.community, parent_code: t.township, level: 5, name: '满春社区居委会' },
			{ code: t.otherVillage, parent_code: otherTownship, level: 5, name: '同心村委会' }
		])
		.execute();
	return t;
}

export interface PointRef {
	id: number;
	regionCode: string;
}

/** An active point on a village-level code, inserted directly (no audit row). */
export async function newPoint(db: Db, regionCode: string, type: PointType = 'village'): Promise<PointRef> {
	const id = await insertPoint(db, {
		region_code: regionCode,
		type,
		active: 1,
		contact_name: null,
		contact_phone: null,
		created_at: now(),
		deactivated_at: null
	});
	return { id, regionCode };
}

export const TEST_PASSWORD = 'correct-horse-battery';

let userCounter = 0;

export interface TestUser extends PublicUser {
	password: string;
}

/**
 * A user through the real service (so the password is really hashed). `scope` is the region code
 * for analysts and reviewers, the point's village code for staff.
 */
export async function newUser(
	db: Db,
	role: Role,
	scope: string | null = null,
	options: { username?: string; password?: string; mustChangePassword?: boolean } = {}
): Promise<TestUser> {
	const username = options.username ?? `${role}${++userCounter}`;
	const password = options.password ?? TEST_PASSWORD;
	const mustChangePassword = options.mustChangePassword ?? false;
	const { id } = await createUser(db, null, {
		username,
		displayName: `测试${role}${userCounter}`,
		role,
		scopeCode: scope,
		password,
		mustChangePassword
	});
	const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
	return {
		id,
		username: row.username,
		name: row.display_name,
		role,
		regionCode: row.region_code,
		pointId: row.point_id,
		mustChangePassword,
		password
	};
}

/** A real Lucia session for the user, as the hook would put it in locals. */
export async function signedIn(
	userId: number
): Promise<{ user: PublicUser; session: Session; token: string }> {
	const created = await lucia.createSession(userId, {});
	const { user, session } = await lucia.validateSession(created.id);
	if (!user || !session) throw new Error('a fresh session did not validate');
	return { user: toPublicUser(user), session, token: created.id };
}

export async function auditRows(
	db: Db,
	filter: { action?: string; entityType?: string; entityId?: string | number } = {}
) {
	return db
		.selectFrom('audit_log')
		.selectAll()
		.$if(filter.action != null, (q) => q.where('action', '=', filter.action!))
		.$if(filter.entityType != null, (q) => q.where('entity_type', '=', filter.entityType!))
		.$if(filter.entityId != null, (q) => q.where('entity_id', '=', String(filter.entityId)))
		.orderBy('id')
		.execute();
}

export async function countRows(
	db: Db,
	table: 'regions' | 'points' | 'users' | 'sessions' | 'audit_log'
): Promise<number> {
	const { n } = await db
		.selectFrom(table)
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(n);
}
