// The point_certificates and certificate_counts tables, and the catalogue items they name:
// statements only; the rules are in certificates.service and domain/registers.
import type { Db } from '../db';
import type { CertificateCountsTable, PointCertificatesTable } from '../db/schema';

export function findItemStanding(db: Db, itemId: number) {
	return db
		.selectFrom('certificate_items')
		.select(['id', 'status', 'active'])
		.where('id', '=', itemId)
		.executeTakeFirst();
}

export function findPointCertificate(db: Db, pointId: number, itemId: number) {
	return db
		.selectFrom('point_certificates')
		.select(['status', 'since'])
		.where('point_id', '=', pointId)
		.where('item_id', '=', itemId)
		.executeTakeFirst();
}

/** Writes the point's current status for the item, over any earlier one. */
export async function savePointCertificate(
	db: Db,
	row: PointCertificatesTable,
	exists: boolean
): Promise<void> {
	if (exists)
		await db
			.updateTable('point_certificates')
			.set({ status: row.status, since: row.since, updated_at: row.updated_at })
			.where('point_id', '=', row.point_id)
			.where('item_id', '=', row.item_id)
			.execute();
	else await db.insertInto('point_certificates').values(row).execute();
}

export function findCertificateCount(db: Db, pointId: number, itemId: number, periodStart: string) {
	return db
		.selectFrom('certificate_counts')
		.select(['issued', 'period_end'])
		.where('point_id', '=', pointId)
		.where('item_id', '=', itemId)
		.where('period_start', '=', periodStart)
		.executeTakeFirst();
}

/** One count per point, item and period start: a second one replaces the first. */
export async function upsertCertificateCount(db: Db, row: CertificateCountsTable): Promise<void> {
	await db
		.insertInto('certificate_counts')
		.values(row)
		.onConflict((oc) =>
			oc
				.columns(['point_id', 'item_id', 'period_start'])
				.doUpdateSet({ period_end: row.period_end, issued: row.issued, updated_at: row.updated_at })
		)
		.execute();
}

/** Every catalogue item, and the point's statuses and counts (newest period first). */
export async function selectPointCertificateData(db: Db, pointId: number) {
	const [items, states, counts] = await Promise.all([
		db
			.selectFrom('certificate_items')
			.select(['id', 'name', 'status', 'basis', 'active'])
			.orderBy('status', 'desc')
			.orderBy('name')
			.execute(),
		db
			.selectFrom('point_certificates')
			.select(['item_id', 'status', 'since'])
			.where('point_id', '=', pointId)
			.execute(),
		db
			.selectFrom('certificate_counts')
			.select(['item_id', 'period_start', 'period_end', 'issued'])
			.where('point_id', '=', pointId)
			.orderBy('period_start', 'desc')
			.execute()
	]);
	return { items, states, counts };
}
