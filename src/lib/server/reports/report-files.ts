// Where a report's files live: one folder per report under REPORT_DIR, the same three names in
// each, served with these types.
import path from 'node:path';
import type { ReportFileKind } from '../../text/reports';
import { config } from '../config';

export type { ReportFileKind };

export const REPORT_FILES: Record<ReportFileKind, string> = {
	docx: 'report.docx',
	xlsx: 'report.xlsx',
	csv: 'answers.csv'
};

export const REPORT_MIME: Record<ReportFileKind, string> = {
	docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	csv: 'text/csv; charset=utf-8'
};

export const isReportFileKind = (kind: string): kind is ReportFileKind => Object.hasOwn(REPORT_FILES, kind);

export const reportFolder = (id: number) => path.join(config.reportDir, String(id));
export const reportFilePath = (id: number, kind: ReportFileKind) =>
	path.join(reportFolder(id), REPORT_FILES[kind]);
