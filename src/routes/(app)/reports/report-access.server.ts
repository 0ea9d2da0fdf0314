// One check for every page and endpoint of a single report: a signed-in reader whose scope holds
// the report's region. A report that does not exist and one out of scope answer the same 404.
import type { RequestEvent } from '@sveltejs/kit';
import type { PublicUser } from '$lib/domain/roles';
import { canSeeRegion, notFound, requireRole } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import { findReport, type ReportListItem } from '$lib/server/reports/reports.service';

export const REPORT_READERS = ['analyst', 'reviewer', 'admin'] as const;

export async function requireReport(
	event: Pick<RequestEvent, 'url' | 'locals' | 'params'>
): Promise<{ user: PublicUser; report: ReportListItem }> {
	const user = requireRole(event, ...REPORT_READERS);
	const id = Number((event.params as { id?: string }).id);
	const report = Number.isSafeInteger(id) ? await findReport(db(), id) : undefined;
	if (!report || !canSeeRegion(user, report.regionCode)) notFound();
	return { user, report };
}

/** The print view of a report as it was asked for: same region, quarter, issuer and language. */
export function printHref(r: Pick<ReportListItem, 'regionCode' | 'quarter' | 'issuer' | 'locale'>): string {
	const q = new URLSearchParams({ region: r.regionCode, quarter: r.quarter });
	if (r.issuer.trim()) q.set('issuer', r.issuer.trim());
	q.set('lang', r.locale);
	return `/reports/print?${q}`;
}
