// One check for every page and endpoint of a single report: a signed-in reader whose scope holds
// the report's region. A report that does not exist and one out of scope answer the same 404.
import { error, type RequestEvent } from '@sveltejs/kit';
import type { PublicUser } from '$lib/domain/roles';
import { canSeeRegion, notFound, requireRole } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import { isRefusal } from '$lib/server/refusal';
import { findReport, type ReportListItem } from '$lib/server/reports/reports.service';
import { refusalMessage } from '$lib/text/refusals';

export const REPORT_READERS = ['analyst', 'reviewer', 'admin'] as const;

/** The report `id` names (the route's `[id]` unless given), if the reader may see it. */
export async function requireReport(
	event: Pick<RequestEvent, 'url' | 'locals' | 'params'>,
	id: string | null | undefined = (event.params as { id?: string }).id
): Promise<{ user: PublicUser; report: ReportListItem }> {
	const user = requireRole(event, ...REPORT_READERS);
	const n = /^\d{1,15}$/.test(id ?? '') ? Number(id) : NaN;
	const report = Number.isSafeInteger(n) ? await findReport(db(), n) : undefined;
	if (!report || !canSeeRegion(user, report.regionCode)) notFound();
	return { user, report };
}

/** The print view of a finished report, when its words are stored; null otherwise. */
export function printHref(r: Pick<ReportListItem, 'id' | 'status' | 'printable'>): string | null {
	return r.status === 'done' && r.printable ? `/reports/print?report=${r.id}` : null;
}

/** A service's refusal as the endpoint's answer (404, or its status with its sentence); anything else is rethrown. */
export function refusedError(e: unknown): never {
	if (!isRefusal(e)) throw e;
	if (e.status === 404) notFound();
	error(e.status, refusalMessage(Object.values(e.problems)[0]!));
}
