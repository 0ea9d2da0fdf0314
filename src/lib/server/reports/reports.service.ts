// Quarterly reports are generated in the background, one at a time, inside the server process:
// the analyst asks, leaves, and downloads the files when they are ready. A report interrupted by
// a restart is queued again at start-up. The queue is shared, so each user and each region may
// have only a few reports pending, and old files are deleted after the retention period.
import { chinaDate, isQuarterKey, quarterOf } from '../../domain/periods';
import type { ReportLocale } from '../../text/reports';
import { canSeeRegion, type Viewer } from '../auth/access';
import { writeAudit } from '../audit/audit.repository';
import { now, type Db } from '../db';
import { reportJobs } from '../jobs/report.job';
import { refuse, refuseNotFound } from '../refusal';
import { findRegion } from '../regions/regions.repository';
import { listIndicatorPeriods } from '../trends/indicators.service';
import { reportFilePath, type ReportFileKind } from './report-files';
import { expireReports, getReportSettings } from './report-settings.service';
import {
	countPending,
	findLatestDone,
	findPendingSame,
	findReportContent,
	insertReport,
	listPending,
	requeueRunning,
	type ReportListItem,
	type StoredReport
} from './reports.repository';

export {
	DEFAULT_REPORT_SETTINGS,
	REPORT_SETTING_RANGE,
	type ReportSettings
} from '../../domain/report-settings';
export { REPORT_FILES, REPORT_MIME, reportFilePath, reportFolder, type ReportFileKind } from './report-files';
export { expireReports, getReportSettings, setReportSettings } from './report-settings.service';
export { findReport, listReports, type ReportListItem, type StoredReport } from './reports.repository';

export interface ReportRequestInput {
	regionCode: string;
	quarter: string;
	issuer: string;
	locale: ReportLocale;
}

export interface PendingCounts {
	mine: number;
	/** Region code → pending reports on it. */
	byRegion: Record<string, number>;
}

/** What counts against the limits: the user's pending reports, and each region's. */
export async function pendingCounts(db: Db, userId: number): Promise<PendingCounts> {
	const rows = await listPending(db);
	const byRegion: Record<string, number> = {};
	for (const r of rows) byRegion[r.region_code] = (byRegion[r.region_code] ?? 0) + 1;
	return { mine: rows.filter((r) => r.created_by === userId).length, byRegion };
}

/** Quarters that wholly contain at least one period with figures, newest first. */
export async function reportQuarters(db: Db): Promise<string[]> {
	const keys = new Set<string>();
	for (const p of await listIndicatorPeriods(db)) {
		const q = quarterOf(p.start);
		if (q === quarterOf(p.end)) keys.add(q);
	}
	return [...keys].sort().reverse();
}

/** The last quarter that has ended in China time, or the newest one with data before it. */
export function defaultQuarter(quarters: string[]): string {
	const current = quarterOf(chinaDate());
	return quarters.find((q) => q < current) ?? quarters[0] ?? '';
}

/**
 * Queues a report, unless the same one is already pending (its id is returned instead). Refuses
 * a region outside the reader's scope or a quarter without figures (400), and a request over the
 * user's or the region's pending limit (429); nothing is queued then.
 */
export async function requestReport(
	db: Db,
	actor: Viewer,
	input: ReportRequestInput
): Promise<{ id: number; existing: boolean }> {
	if (!canSeeRegion(actor, input.regionCode) || !(await findRegion(db, input.regionCode)))
		refuse('regionCode', 'report_region_outside');
	if (!isQuarterKey(input.quarter) || !(await reportQuarters(db)).includes(input.quarter))
		refuse('quarter', 'report_bad_quarter');
	// One SQLite connection runs transactions one at a time, so the counts cannot go stale
	// between the check and the insert.
	const outcome = await db.transaction().execute(async (trx) => {
		const same = await findPendingSame(trx, input);
		if (same !== undefined) return { id: same, existing: true };
		const settings = await getReportSettings(trx);
		if ((await countPending(trx, 'created_by', actor.id)) >= settings.perUser)
			refuse('', 'report_limit_user', { max: settings.perUser }, 429);
		if ((await countPending(trx, 'region_code', input.regionCode)) >= settings.perRegion)
			refuse('', 'report_limit_region', { max: settings.perRegion }, 429);
		const id = await insertReport(trx, actor.id, input, now());
		await writeAudit(trx, {
			userId: actor.id,
			action: 'report.create',
			entityType: 'report',
			entityId: id,
			changes: { region_code: input.regionCode, quarter: input.quarter }
		});
		return { id, existing: false };
	});
	if (!outcome.existing) reportJobs.start(db);
	return outcome;
}

/** Starts the worker if it is idle; resolves when the queue is empty (tests await it). */
export const kickReports = (db: Db): Promise<void> => reportJobs.kick(db);

/** At start-up: old files are cleaned, and a report a restart interrupted goes back in the queue. */
export async function resumeReports(db: Db): Promise<void> {
	await expireReports(db);
	// One server process generates reports, so at start-up nothing can still be running.
	await requeueRunning(db);
	reportJobs.start(db);
}

/** Where a finished report's file is; a report whose files the retention period deleted: 410. */
export function reportFile(report: ReportListItem, kind: ReportFileKind): string {
	if (report.status === 'expired') refuse('', 'report_expired', undefined, 410);
	if (report.status !== 'done') refuseNotFound();
	return reportFilePath(report.id, kind);
}

/** The stored words of a finished report, for the print view; expired: 410, not done: 404. */
export async function printableReport(db: Db, report: ReportListItem): Promise<StoredReport> {
	if (report.status === 'expired') refuse('', 'report_expired', undefined, 410);
	const content = report.status === 'done' ? await findReportContent(db, report.id) : null;
	if (!content) refuseNotFound();
	return content;
}

/** The newest finished report asked with these options, if the reader may see its region. */
export async function findPrintedReport(
	db: Db,
	reader: Viewer,
	options: ReportRequestInput
): Promise<number | undefined> {
	if (!canSeeRegion(reader, options.regionCode)) return undefined;
	return findLatestDone(db, options);
}
