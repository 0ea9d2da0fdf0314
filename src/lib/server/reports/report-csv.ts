// The raw answers as CSV, the same columns as the workbook's 填报明细 sheet. UTF-8 with a
// byte-order mark (without it Excel reads the Chinese as the local code page), RFC 4180 quoting
// and CRLF line ends. Text that a spreadsheet would run as a formula gets a leading apostrophe,
// as OWASP recommends for CSV: the file is opened by hand, in whatever program the office has.
import { CHINA_OFFSET_MS } from '../../domain/periods';
import type { ReportLocale } from '../../text/reports';
import type { ReportData } from './report-data';
import { cellText, submissionTable, type ColumnKind, type Value } from './report-tables';

const BOM = '\uFEFF';
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** Neutralises formula-like text, then quotes the field when RFC 4180 asks for it. */
export function csvField(text: string): string {
	const safe = FORMULA_START.test(text) ? `'${text}` : text;
	return NEEDS_QUOTES.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** `YYYY-MM-DD HH:mm` in China time. */
export function chinaTimestamp(iso: string): string {
	const at = Date.parse(iso);
	if (Number.isNaN(at)) return iso;
	return new Date(at + CHINA_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

function fieldOf(kind: ColumnKind, v: Value): string {
	if (v === null) return '';
	// Our own numbers (counts, a negative change) are never user text: no apostrophe.
	if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
	if (kind === 'time' && !Number.isNaN(Date.parse(v))) return chinaTimestamp(v);
	return csvField(cellText(v));
}

export function reportCsv(data: ReportData, options: { locale?: ReportLocale } = {}): string {
	const table = submissionTable(data, options.locale ?? 'zh');
	const lines = [table.columns.map((c) => csvField(cellText(c.header))).join(',')];
	for (const row of table.rows()) lines.push(row.map((v, i) => fieldOf(table.columns[i].kind, v)).join(','));
	return BOM + lines.join('\r\n') + '\r\n';
}
