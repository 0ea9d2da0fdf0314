import type { Db } from '../db';
import type { NewPoint, PointRow } from '../db/schema';

export function findPoint(db: Db, id: number): Promise<PointRow | undefined> {
	return db.selectFrom('points').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findPointByRegion(db: Db, regionCode: string): Promise<PointRow | undefined> {
	return db.selectFrom('points').selectAll().where('region_code', '=', regionCode).executeTakeFirst();
}

export interface PointView {
	id: number;
	regionCode: string;
	name: string;
	type: PointRow['type'];
	active: number;
	contactName: string | null;
	contactPhone: string | null;
	createdAt: string;
	deactivatedAt: string | null;
}

const pointView = (db: Db) =>
	db
		.selectFrom('points')
		.innerJoin('regions', 'regions.code', 'points.region_code')
		.select([
			'points.id',
			'points.region_code as regionCode',
			'regions.name',
			'points.type',
			'points.active',
			'points.contact_name as contactName',
			'points.contact_phone as contactPhone',
			'points.created_at as createdAt',
			'points.deactivated_at as deactivatedAt'
		]);

export function findPointView(db: Db, id: number): Promise<PointView | undefined> {
	return pointView(db).where('points.id', '=', id).executeTakeFirst();
}

export function listPoints(
	db: Db,
	filter: { within?: string | null; q?: string; active?: boolean; limit?: number; offset?: number } = {}
): Promise<PointView[]> {
	return pointView(db)
		.$if(!!filter.within, (b) => b.where('points.region_code', 'like', `${filter.within}%`))
		.$if(!!filter.q, (b) =>
			b.where((eb) =>
				eb.or([eb('regions.name', 'like', `%${filter.q}%`), eb('points.region_code', 'like', `${filter.q}%`)])
			)
		)
		.$if(filter.active != null, (b) => b.where('points.active', '=', filter.active ? 1 : 0))
		.orderBy('points.region_code')
		.limit(filter.limit ?? 500)
		.offset(filter.offset ?? 0)
		.execute();
}

export async function countPoints(
	db: Db,
	within?: string | null
): Promise<{ total: number; active: number }> {
	const row = await db
		.selectFrom('points')
		.select((eb) => [
			eb.fn.countAll<number>().as('total'),
			eb.fn.sum<number>(eb.case().when('active', '=', 1).then(1).else(0).end()).as('active')
		])
		.$if(!!within, (b) => b.where('region_code', 'like', `${within}%`))
		.executeTakeFirstOrThrow();
	return { total: Number(row.total), active: Number(row.active ?? 0) };
}

export async function insertPoint(db: Db, row: NewPoint): Promise<number> {
	const { id } = await db.insertInto('points').values(row).returning('id').executeTakeFirstOrThrow();
	return id;
}

export async function updatePoint(db: Db, id: number, values: Partial<NewPoint>): Promise<void> {
	await db.updateTable('points').set(values).where('id', '=', id).execute();
}

/** The points on these village codes (a page of region rows), whatever their state. */
export function findPointsByRegions(
	db: Db,
	regionCodes: string[]
): Promise<Pick<PointRow, 'id' | 'region_code' | 'active' | 'type'>[]> {
	if (regionCodes.length === 0) return Promise.resolve([]);
	return db
		.selectFrom('points')
		.select(['id', 'region_code', 'active', 'type'])
		.where('region_code', 'in', regionCodes)
		.execute();
}
