// The certificate register: which catalogue items the point still issues, which it stopped, and
// how many it issued per month or quarter. Issuing a cancelled item is a violation.
import { chinaDate, periodRange } from '../../domain/periods';
import { eventDateProblem, isCertificateViolation } from '../../domain/registers';
import { writeAudit } from '../audit/audit.repository';
import { now, type Db } from '../db';
import { refused, type RegisterResult } from './register-result';
import { pointChanged } from '../trends/indicators.service';

export type CertificateStatus = 'issuing' | 'stopped';

async function findItem(db: Db, itemId: number) {
	return db
		.selectFrom('certificate_items')
		.select(['id', 'status', 'active'])
		.where('id', '=', itemId)
		.executeTakeFirst();
}

export const certificateEntityId = (pointId: number, itemId: number) => `${pointId}:${itemId}`;

export async function setCertificateStatus(
	db: Db,
	actorId: number | null,
	pointId: number,
	input: { itemId: number; status: CertificateStatus; since: string },
	today = chinaDate()
): Promise<RegisterResult> {
	const problem = eventDateProblem(input.since, today);
	if (problem) return refused('since', problem);
	return db.transaction().execute(async (trx) => {
		const item = await findItem(trx, input.itemId);
		if (!item || !item.active) return refused('itemId', 'unknown_item');
		const before = await trx
			.selectFrom('point_certificates')
			.select(['status', 'since'])
			.where('point_id', '=', pointId)
			.where('item_id', '=', item.id)
			.executeTakeFirst();
		if (before && before.status === input.status && before.since === input.since)
			return { ok: true as const };
		const at = now();
		if (before)
			await trx
				.updateTable('point_certificates')
				.set({ status: input.status, since: input.since, updated_at: at })
				.where('point_id', '=', pointId)
				.where('item_id', '=', item.id)
				.execute();
		else
			await trx
				.insertInto('point_certificates')
				.values({
					point_id: pointId,
					item_id: item.id,
					status: input.status,
					since: input.since,
					updated_at: at
				})
				.execute();
		// The register keeps only the current status; the timeline reads earlier ones from here.
		await writeAudit(trx, {
			userId: actorId,
			action: 'point_certificate.status',
			entityType: 'point_certificate',
			entityId: certificateEntityId(pointId, item.id),
			changes: {
				status: [before?.status ?? null, input.status],
				since: [before?.since ?? null, input.since]
			}
		});
		return { ok: true as const };
	});
}

export async function recordCertificateCount(
	db: Db,
	actorId: number | null,
	pointId: number,
	input: { itemId: number; periodKind: 'month' | 'quarter'; period: string; issued: number },
	today = chinaDate()
): Promise<RegisterResult<{ violation: boolean }>> {
	const range = periodRange(input.periodKind, input.period.trim());
	if (!range) return refused('period', 'bad_period');
	// A period that has not started yet cannot have issued anything.
	if (range.start > today) return refused('period', 'date_future');
	if (!Number.isSafeInteger(input.issued) || input.issued < 0) return refused('issued', 'not_whole_number');
	return db.transaction().execute(async (trx) => {
		const item = await findItem(trx, input.itemId);
		if (!item) return refused('itemId', 'unknown_item');
		const before = await trx
			.selectFrom('certificate_counts')
			.select(['issued', 'period_end'])
			.where('point_id', '=', pointId)
			.where('item_id', '=', item.id)
			.where('period_start', '=', range.start)
			.executeTakeFirst();
		const violation = isCertificateViolation({ itemStatus: item.status, issued: input.issued });
		if (before && before.issued === input.issued && before.period_end === range.end)
			return { ok: true as const, violation };
		const at = now();
		await trx
			.insertInto('certificate_counts')
			.values({
				point_id: pointId,
				item_id: item.id,
				period_start: range.start,
				period_end: range.end,
				issued: input.issued,
				updated_at: at
			})
			.onConflict((oc) =>
				oc
					.columns(['point_id', 'item_id', 'period_start'])
					.doUpdateSet({ period_end: range.end, issued: input.issued, updated_at: at })
			)
			.execute();
		await writeAudit(trx, {
			userId: actorId,
			action: 'point_certificate.count',
			entityType: 'point_certificate',
			entityId: certificateEntityId(pointId, item.id),
			changes: {
				period_start: range.start,
				period_end: range.end,
				issued: [before?.issued ?? null, input.issued],
				...(violation ? { violation: true } : {})
			}
		});
		await pointChanged(trx, pointId);
		return { ok: true as const, violation };
	});
}

export interface CertificateCountView {
	periodStart: string;
	periodEnd: string;
	issued: number;
	violation: boolean;
}

export interface PointCertificateView {
	itemId: number;
	name: string;
	itemStatus: 'cancelled' | 'retained';
	basis: string | null;
	/** Null until the point records it. */
	status: CertificateStatus | null;
	since: string | null;
	/** Newest period first. */
	counts: CertificateCountView[];
	violation: boolean;
}

/** Every active catalogue item, and any retired one the point still has records for. */
export async function listPointCertificates(db: Db, pointId: number): Promise<PointCertificateView[]> {
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
	return items
		.map((item) => {
			const state = states.find((s) => s.item_id === item.id);
			const own = counts
				.filter((c) => c.item_id === item.id)
				.map((c) => ({
					periodStart: c.period_start,
					periodEnd: c.period_end,
					issued: c.issued,
					violation: isCertificateViolation({ itemStatus: item.status, issued: c.issued })
				}));
			return {
				itemId: item.id,
				name: item.name,
				itemStatus: item.status,
				basis: item.basis,
				status: state?.status ?? null,
				since: state?.since ?? null,
				counts: own,
				violation: own.some((c) => c.violation),
				active: item.active
			};
		})
		.filter((v) => v.active || v.status != null || v.counts.length > 0)
		.map(({ active: _, ...v }) => v);
}
