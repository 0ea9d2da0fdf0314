// The words and numbers the report pages share: status names, file sizes, a report's name.
import { m } from '$lib/paraglide/messages.js';
import { formatFileSize } from '$lib/text/format';
import { periodLabel } from '$lib/text/trends';

/** The language a report is written in, chosen when it is asked for (not the reader's). */
export type ReportLocale = 'zh' | 'en';

export type ReportStatus = 'queued' | 'running' | 'done' | 'failed' | 'expired';
export type ReportFileKind = 'docx' | 'xlsx' | 'csv';
export const FILE_KINDS: ReportFileKind[] = ['docx', 'xlsx', 'csv'];

const statusNames: Record<ReportStatus, () => string> = {
	queued: m.reports_status_queued,
	running: m.reports_status_running,
	done: m.reports_status_done,
	failed: m.reports_status_failed,
	expired: m.reports_status_expired
};
export const statusName = (status: ReportStatus) => statusNames[status]();

const fileNames: Record<ReportFileKind, () => string> = {
	docx: m.reports_download_docx,
	xlsx: m.reports_download_xlsx,
	csv: m.reports_download_csv
};
export const fileName = (kind: ReportFileKind) => fileNames[kind]();

/** 12 KB, 1.4 MB. */
export const fileSize = formatFileSize;

/** The title once written; until then the region and the quarter. */
export const reportName = (r: { title: string | null; regionName: string; quarter: string }) =>
	r.title ?? `${r.regionName} ${periodLabel(r.quarter)}`;

export const isPending = (status: ReportStatus) => status === 'queued' || status === 'running';
