// The raw answers as CSV, the same columns as the workbook's 填报明细 sheet. UTF-8 with a
// byte-order mark (without it Excel reads the Chinese as the local code page), RFC 4180 quoting
// and CRLF line ends. Text that a spreadsheet would run as a formula gets a leading apostrophe,
// as OWASP recommends for CSV: the file is opened by hand, in whatever program the office has.
import type { ReportData } from './report-data';
import {
	chinaTimestamp,
	cleanText,
	submissionTable,
	type ColumnKind,
	type ReportLocale,
	type Value
} from './report-xlsx';

const BOM = '\uFEFF';
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** Neutralises formula-like text, then quotes the field when RFC 4180 asks for it. */
export function csvField(text: string): string {
	const safe = FORMULA_START.test(text) ? `'${text}` : text;
	return NEEDS_QUOTES.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function fieldOf(kind: ColumnKind, v: Value): string {
	if (v === null) return '';
	// Our own numbers (counts, a negative change) are never user text: no apostrophe.
	if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
	if (kind === 'time' && !Number.isNaN(Date.parse(v))) return chinaTimestamp(v);
	return csvField(cleanText(v));
}

export function reportCsv(data: ReportData, options: { locale?: ReportLocale } = {}): string {
	const table = submissionTable(data, options.locale ?? 'zh');
	const lines = [table.columns.map((c) => csvField(cleanText(c.header))).join(',')];
	for (const row of table.rows()) lines.push(row.map((v, i) => fieldOf(table.columns[i].kind, v)).join(','));
	return BOM + lines.join('\r\n') + '\r\n';
}
