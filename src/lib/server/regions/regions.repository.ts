import type { Db } from '../db';
import type { RegionRow } from '../db/schema';

export function findRegion(db: Db, code: string): Promise<RegionRow | undefined> {
	return db.selectFrom('regions').selectAll().where('code', '=', code).executeTakeFirst();
}

export function findRegions(db: Db, codes: string[]): Promise<RegionRow[]> {
	if (codes.length === 0) return Promise.resolve([]);
	return db.selectFrom('regions').selectAll().where('code', 'in', codes).orderBy('level').execute();
}

export interface RegionWithCounts extends RegionRow {
	children: number;
	points: number;
	activePoints: number;
}

/** Child regions, each with how many points its subtree holds (prefix match on the NBS code). */
export function listChildren(db: Db, parentCode: string | null): Promise<RegionWithCounts[]> {
	return db
		.selectFrom('regions as r')
		.selectAll('r')
		.select((eb) => [
			eb
				.selectFrom('regions as c')
				.whereRef('c.parent_code', '=', 'r.code')
				.select((e) => e.fn.countAll<number>().as('n'))
				.as('children'),
			eb
				.selectFrom('points as p')
				.where('p.region_code', 'like', eb.fn<string>('concat', [eb.ref('r.code'), eb.val('%')]))
				.select((e) => e.fn.countAll<number>().as('n'))
				.as('points'),
			eb
				.selectFrom('points as p')
				.where('p.region_code', 'like', eb.fn<string>('concat', [eb.ref('r.code'), eb.val('%')]))
				.where('p.active', '=', 1)
				.select((e) => e.fn.countAll<number>().as('n'))
				.as('activePoints')
		])
		.$if(parentCode == null, (q) => q.where('r.parent_code', 'is', null))
		.$if(parentCode != null, (q) => q.where('r.parent_code', '=', parentCode!))
		.orderBy('r.code')
		.execute() as Promise<RegionWithCounts[]>;
}

/** Regions whose name contains q or whose code starts with q, optionally inside a subtree. */
export function searchRegions(
	db: Db,
	q: string,
	options: { within?: string; level?: number; limit?: number } = {}
): Promise<(RegionRow & { pointId: number | null; pointActive: number | null })[]> {
	const isCode = /^\d+$/.test(q);
	return db
		.selectFrom('regions')
		.leftJoin('points', 'points.region_code', 'regions.code')
		.selectAll('regions')
		.select(['points.id as pointId', 'points.active as pointActive'])
		.$if(isCode, (b) => b.where('regions.code', 'like', `${q}%`))
		.$if(!isCode, (b) => b.where('regions.name', 'like', `%${q}%`))
		.$if(!!options.within, (b) => b.where('regions.code', 'like', `${options.within}%`))
		.$if(options.level != null, (b) => b.where('regions.level', '=', options.level!))
		.orderBy('regions.code')
		.limit(options.limit ?? 100)
		.execute();
}

export async function countRegionsByLevel(db: Db): Promise<Record<number, number>> {
	const rows = await db
		.selectFrom('regions')
		.select(['level', (eb) => eb.fn.countAll<number>().as('n')])
		.groupBy('level')
		.execute();
	return Object.fromEntries(rows.map((r) => [r.level, Number(r.n)]));
}

/** Codes per statement, well under SQLite's bound-parameter limit. */
const CHUNK = 500;

/** code → name for those of these codes the table has. */
export async function findRegionNames(db: Db, codes: string[]): Promise<Map<string, string>> {
	const found = new Map<string, string>();
	for (let i = 0; i < codes.length; i += CHUNK) {
		const rows = await db
			.selectFrom('regions')
			.select(['code', 'name'])
			.where('code', 'in', codes.slice(i, i + CHUNK))
			.execute();
		for (const r of rows) found.set(r.code, r.name);
	}
	return found;
}

/** Which of these codes the table has. */
export async function findKnownCodes(db: Db, codes: string[]): Promise<Set<string>> {
	const found = new Set<string>();
	for (let i = 0; i < codes.length; i += CHUNK) {
		const rows = await db
			.selectFrom('regions')
			.select('code')
			.where('code', 'in', codes.slice(i, i + CHUNK))
			.execute();
		for (const r of rows) found.add(r.code);
	}
	return found;
}

export async function insertRegions(db: Db, rows: RegionRow[]): Promise<void> {
	for (let i = 0; i < rows.length; i += CHUNK) {
		await db
			.insertInto('regions')
			.values(rows.slice(i, i + CHUNK))
			.execute();
	}
}

export async function renameRegion(db: Db, code: string, name: string): Promise<void> {
	await db.updateTable('regions').set({ name }).where('code', '=', code).execute();
}
