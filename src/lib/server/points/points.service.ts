import { guessPointType, VILLAGE_LEVEL, type PointType } from '../../domain/regions';
import { diff, writeAudit } from '../audit/audit.repository';
import { now, type Db } from '../db';
import { findRegion } from '../regions/regions.repository';
import { refuse, refuseNotFound } from '../refusal';
import { findPoint, findPointByRegion, insertPoint, updatePoint } from './points.repository';

/**
 * Makes a village-level unit an observation point, or reactivates it if it was one: a point is
 * never deleted, so its history stays attached. Refuses, on `code`, an unknown region or one that
 * is not at village level.
 */
export async function markAsPoint(
	db: Db,
	actorId: number | null,
	regionCode: string,
	type?: PointType
): Promise<number> {
	return db.transaction().execute(async (trx) => {
		const region = await findRegion(trx, regionCode);
		if (!region) refuse('code', 'region_not_found');
		if (region.level !== VILLAGE_LEVEL) refuse('code', 'point_not_village_level');
		const existing = await findPointByRegion(trx, regionCode);
		if (existing) {
			if (!existing.active) await setActiveIn(trx, actorId, existing.id, true);
			return existing.id;
		}
		const row = {
			region_code: regionCode,
			type: type ?? guessPointType(region.name),
			active: 1 as const,
			contact_name: null,
			contact_phone: null,
			created_at: now(),
			deactivated_at: null
		};
		const id = await insertPoint(trx, row);
		await writeAudit(trx, {
			userId: actorId,
			action: 'point.create',
			entityType: 'point',
			entityId: id,
			changes: { region_code: regionCode, type: row.type }
		});
		return id;
	});
}

export async function updatePointDetails(
	db: Db,
	actorId: number,
	id: number,
	values: { type: PointType; contactName: string | null; contactPhone: string | null }
): Promise<void> {
	await db.transaction().execute(async (trx) => {
		const before = await findPoint(trx, id);
		if (!before) refuseNotFound();
		const after = { type: values.type, contact_name: values.contactName, contact_phone: values.contactPhone };
		const changes = diff(before, after);
		if (Object.keys(changes).length === 0) return;
		await updatePoint(trx, id, after);
		await writeAudit(trx, {
			userId: actorId,
			action: 'point.update',
			entityType: 'point',
			entityId: id,
			changes
		});
	});
}

async function setActiveIn(trx: Db, actorId: number | null, id: number, active: boolean) {
	const before = await findPoint(trx, id);
	if (!before || before.active === (active ? 1 : 0)) return;
	await updatePoint(trx, id, { active: active ? 1 : 0, deactivated_at: active ? null : now() });
	await writeAudit(trx, {
		userId: actorId,
		action: active ? 'point.activate' : 'point.deactivate',
		entityType: 'point',
		entityId: id,
		changes: { active: [before.active, active ? 1 : 0] }
	});
}

/** Deactivating keeps the point and everything recorded against it; it only stops new rounds. */
export async function setPointActive(db: Db, actorId: number, id: number, active: boolean) {
	await db.transaction().execute((trx) => setActiveIn(trx, actorId, id, active));
}
