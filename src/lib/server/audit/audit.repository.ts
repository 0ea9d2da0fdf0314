import type { Db } from '../db';
import { now } from '../db';

export interface AuditEntry {
	userId: number | null;
	action: string;
	entityType: string;
	entityId?: string | number | null;
	/** What changed: { field: [from, to] } or a summary object. */
	changes?: unknown;
	ip?: string | null;
}

/** Call with the transaction that makes the change, so the record and the change land together. */
export async function writeAudit(trx: Db, entry: AuditEntry): Promise<void> {
	await trx
		.insertInto('audit_log')
		.values({
			at: now(),
			user_id: entry.userId,
			action: entry.action,
			entity_type: entry.entityType,
			entity_id: entry.entityId == null ? null : String(entry.entityId),
			changes: entry.changes === undefined ? null : JSON.stringify(entry.changes),
			ip: entry.ip ?? null
		})
		.execute();
}

/** { field: [before, after] } for the fields that differ. */
export function diff<T extends Record<string, unknown>>(
	before: T,
	after: Partial<T>
): Record<string, [unknown, unknown]> {
	const out: Record<string, [unknown, unknown]> = {};
	for (const [key, value] of Object.entries(after)) {
		if (value !== undefined && before[key] !== value) out[key] = [before[key], value];
	}
	return out;
}

export interface AuditListItem {
	id: number;
	at: string;
	action: string;
	entityType: string;
	entityId: string | null;
	changes: string | null;
	ip: string | null;
	username: string | null;
}

export async function listAudit(
	db: Db,
	filter: { entityType?: string; entityId?: string; limit?: number; beforeId?: number }
): Promise<AuditListItem[]> {
	return db
		.selectFrom('audit_log')
		.leftJoin('users', 'users.id', 'audit_log.user_id')
		.select([
			'audit_log.id',
			'audit_log.at',
			'audit_log.action',
			'audit_log.entity_type as entityType',
			'audit_log.entity_id as entityId',
			'audit_log.changes',
			'audit_log.ip',
			'users.username'
		])
		.$if(!!filter.entityType, (q) => q.where('audit_log.entity_type', '=', filter.entityType!))
		.$if(!!filter.entityId, (q) => q.where('audit_log.entity_id', '=', filter.entityId!))
		.$if(!!filter.beforeId, (q) => q.where('audit_log.id', '<', filter.beforeId!))
		.orderBy('audit_log.id', 'desc')
		.limit(filter.limit ?? 100)
		.execute();
}
