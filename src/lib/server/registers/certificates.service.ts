// The certificate register: which catalogue items the point still issues, which it stopped, and
// how many it issued per month or quarter. Issuing a cancelled item is a violation.
import { chinaDate, periodRange } from '../../domain/periods';
import { eventDateProblem, isCertificateViolation } from '../../domain/registers';
import { writeAudit } from '../audit/audit.repository';
import { now, type Db } from '../db';
import { refuse } from '../refusal';
import {
	findCertificateCount,
	findItemStanding,
	findPointCertificate,
	savePointCertificate,
	selectPointCertificateData,
	upsertCertificateCount
} from './certificates.repository';
import { registerWrite } from './register-write';

export type CertificateStatus = 'issuing' | 'stopped';

export const certificateEntityId = (pointId: number, itemId: number) => `${pointId}:${itemId}`;

export async function setCertificateStatus(
	db: Db,
	actorId: number | null,
	pointId: number,
	input: { itemId: number; status: CertificateStatus; since: string },
	today = chinaDate()
): Promise<void> {
	const problem = eventDateProblem(input.since, today);
	if (problem) refuse('since', problem);
	await registerWrite(db, pointId, async (trx) => {
		const item = await findItemStanding(trx, input.itemId);
		if (!item || !item.active) refuse('itemId', 'unknown_item');
		const before = await findPointCertificate(trx, pointId, item.id);
		if (before && before.status === input.status && before.since === input.since) return;
		await savePointCertificate(
			trx,
			{
				point_id: pointId,
				item_id: item.id,
				status: input.status,
				since: input.since,
				updated_at: now()
			},
			!!before
		);
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
	});
}

export async function recordCertificateCount(
	db: Db,
	actorId: number | null,
	pointId: number,
	input: { itemId: number; periodKind: 'month' | 'quarter'; period: string; issued: number },
	today = chinaDate()
): Promise<{ violation: boolean }> {
	const range = periodRange(input.periodKind, input.period.trim()) ?? refuse('period', 'count_bad_period');
	// A period that has not started yet cannot have issued anything.
	if (range.start > today) refuse('period', 'date_future');
	if (!Number.isSafeInteger(input.issued) || input.issued < 0) refuse('issued', 'count_not_whole_number');
	return registerWrite(db, pointId, async (trx) => {
		const item = (await findItemStanding(trx, input.itemId)) ?? refuse('itemId', 'unknown_item');
		const before = await findCertificateCount(trx, pointId, item.id, range.start);
		const violation = isCertificateViolation({ itemStatus: item.status, issued: input.issued });
		if (before && before.issued === input.issued && before.period_end === range.end) return { violation };
		await upsertCertificateCount(trx, {
			point_id: pointId,
			item_id: item.id,
			period_start: range.start,
			period_end: range.end,
			issued: input.issued,
			updated_at: now()
		});
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
		return { violation };
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
	const { items, states, counts } = await selectPointCertificateData(db, pointId);
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
