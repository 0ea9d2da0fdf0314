// The quarterly report as an Excel workbook: a summary, the indicators by region, every submission
// with every answer, the registers and the late or missing list. Which rows and columns each sheet
// holds is report-tables.ts; this file only writes them, with exceljs's streaming writer, so the
// benchmark's 9,000 submissions never sit in memory as a whole workbook model.
//
// User text is always written as a string cell (never as an object with `formula`), so text such
// as `=HYPERLINK(…)` is shown, not run. exceljs cannot set the `quotePrefix` style attribute, so a
// user who later edits such a cell in Excel re-enters it like any typed text.
import { createWriteStream } from 'node:fs';
import ExcelJS from 'exceljs';
import { CHINA_OFFSET_MS } from '../../domain/periods';
import { round1 } from '../../text/format';
import { reportLabels } from '../../text/report-labels';
import type { ReportLocale } from '../../text/reports';
import { periodLabel } from '../../text/trends';
import type { ReportData } from './report-data';
import {
	byRegionTable,
	cellText,
	certificateTable,
	headlineTable,
	ISO_DATE,
	lateTable,
	reboundTable,
	reportingTable,
	secondmentTable,
	signboardTable,
	submissionTable,
	type ColumnKind,
	type Table,
	type Value
} from './report-tables';

export interface XlsxOptions {
	locale?: ReportLocale;
	/** Called with the share done, 0 to 1. */
	onProgress?: (share: number) => void;
}

/** A calendar day as the Excel serial of its midnight (exceljs writes Dates as UTC). */
const dayToDate = (day: string) => new Date(`${day}T00:00:00Z`);
/** An instant as China wall-clock time, since Excel has no time zones. */
const instantToDate = (iso: string) => new Date(Date.parse(iso) + CHINA_OFFSET_MS);

const NUM_FMT: Partial<Record<ColumnKind, string>> = {
	decimal: '0.0',
	change: '+0.0;-0.0;0.0',
	percent: '0.0%',
	date: 'yyyy-mm-dd',
	time: 'yyyy-mm-dd hh:mm'
};

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDE6F0' } };
const HEADER_BORDER: Partial<ExcelJS.Borders> = { bottom: { style: 'thin', color: { argb: 'FF7F8FA6' } } };
const MAX_WIDTH = 48;
/** The sheet's name and the page number on every printed page. */
const FOOTER: Partial<ExcelJS.HeaderFooter> = { oddFooter: '&L&A&R&P / &N' };
const PAGE: Partial<ExcelJS.PageSetup> = {
	paperSize: 9,
	orientation: 'landscape',
	horizontalCentered: true,
	margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 }
};
const HEADER_WIDTH_MAX = 24;

/** Display width in character cells: CJK and other wide characters take two. */
export function displayWidth(text: string): number {
	let w = 0;
	for (const ch of text) {
		const c = ch.codePointAt(0)!;
		w +=
			(c >= 0x1100 && c <= 0x115f) ||
			(c >= 0x2e80 && c <= 0xa4cf) ||
			(c >= 0xac00 && c <= 0xd7a3) ||
			(c >= 0xf900 && c <= 0xfaff) ||
			(c >= 0xfe30 && c <= 0xfe4f) ||
			(c >= 0xff00 && c <= 0xff60) ||
			(c >= 0xffe0 && c <= 0xffe6) ||
			c >= 0x1f300
				? 2
				: 1;
	}
	return w;
}

function valueWidth(kind: ColumnKind, v: Value): number {
	if (v === null) return 0;
	if (kind === 'date') return 11;
	if (kind === 'time') return 17;
	if (typeof v === 'number') return kind === 'percent' ? 6 : String(round1(v)).length + 2;
	// Only the first line of multi-line text shows in a cell.
	const firstLine = v.length > 200 ? v.slice(0, 200) : v;
	return displayWidth(firstLine.split(/\r?\n/, 1)[0]);
}

function widthsOf(table: Table): number[] {
	const widths = table.columns.map((c) => Math.min(displayWidth(c.header), HEADER_WIDTH_MAX));
	for (const row of table.rows())
		row.forEach((v, i) => {
			widths[i] = Math.max(widths[i], valueWidth(table.columns[i].kind, v));
		});
	return widths.map((w) => Math.min(Math.max(w + 2, 6), MAX_WIDTH));
}

function cellValue(kind: ColumnKind, v: Value): ExcelJS.CellValue {
	if (v === null || v === '') return null;
	if (typeof v === 'number') return Number.isFinite(v) ? v : null;
	// A day or instant that does not parse stays the text it was rather than a broken number.
	if (kind === 'date' && ISO_DATE.test(v) && !Number.isNaN(Date.parse(v))) return dayToDate(v);
	if (kind === 'time' && !Number.isNaN(Date.parse(v))) return instantToDate(v);
	// A plain string: exceljs stores it as a shared string, never a formula.
	return cellText(v);
}

function writeHeader(row: ExcelJS.Row, table: Table, widths: number[]) {
	let lines = 1;
	table.columns.forEach((c, i) => {
		const cell = row.getCell(i + 1);
		cell.value = cellText(c.header);
		cell.font = { bold: true };
		cell.fill = HEADER_FILL;
		cell.border = HEADER_BORDER;
		cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
		lines = Math.max(lines, Math.ceil(displayWidth(c.header) / Math.max(widths[i] - 1, 1)));
	});
	// Excel does not fit row heights to wrapped text on opening; set it.
	row.height = 16 * Math.min(lines, 4) + 4;
}

const CENTER: Partial<ExcelJS.Alignment> = { horizontal: 'center' };
/** Multi-line text starts at its first line (a cell shows one line unless the row is taller). */
const TOP: Partial<ExcelJS.Alignment> = { vertical: 'top' };

// exceljs resolves a cell's style by the style object's identity (a WeakMap) and otherwise
// serialises it for every cell; body cells share a few frozen objects instead.
const PLAIN: Partial<ExcelJS.Style> = {};
const CENTERED: Partial<ExcelJS.Style> = { alignment: CENTER };
const TOPPED: Partial<ExcelJS.Style> = { alignment: TOP };
const numberStyles = new Map<string, Partial<ExcelJS.Style>>();
function numberStyle(kind: ColumnKind, isDate: boolean): Partial<ExcelJS.Style> {
	const key = `${kind}|${isDate}`;
	let style = numberStyles.get(key);
	if (!style) {
		const fmt = NUM_FMT[kind];
		style = { ...(fmt ? { numFmt: fmt } : {}), ...(isDate ? { alignment: CENTER } : {}) };
		numberStyles.set(key, style);
	}
	return style;
}

function writeBody(row: ExcelJS.Row, table: Table, values: Value[]) {
	values.forEach((v, i) => {
		const column = table.columns[i];
		const value = cellValue(column.kind, v);
		if (value === null) return;
		const cell = row.getCell(i + 1);
		cell.value = value;
		if (typeof value === 'string')
			cell.style = column.center ? CENTERED : value.includes('\n') ? TOPPED : PLAIN;
		else cell.style = numberStyle(column.kind, value instanceof Date);
	});
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

class Progress {
	private done = 0;
	private last = 0;
	constructor(
		private total: number,
		private report?: (share: number) => void
	) {}
	async step(n = 1) {
		this.done += n;
		if (this.done - this.last >= 500 || this.done >= this.total) {
			this.last = this.done;
			this.report?.(Math.min(this.done / Math.max(this.total, 1), 1));
			// Let the zip stream drain, so rows do not pile up in memory.
			await nextTick();
		}
	}
}

type Sheet = ExcelJS.Worksheet;

/** A sheet's filter range as the workbook's hidden `_xlnm._FilterDatabase` name states it. */
interface FilterRange {
	name: string;
	ranges: string[];
	localSheetId: number;
}

function addFilter(sheet: Sheet, filters: FilterRange[], from: number, to: number, columns: number) {
	const last = sheet.getColumn(columns).letter;
	sheet.autoFilter = `A${from}:${last}${to}`;
	filters.push({
		name: '_xlnm._FilterDatabase',
		ranges: [`'${sheet.name.replace(/'/g, "''")}'!$A$${from}:$${last}$${to}`],
		localSheetId: filters.length
	});
}

/**
 * LibreOffice shows filter buttons only where the workbook also names the range (Excel writes
 * the name itself). exceljs's streaming writer cannot add a sheet-scoped name, so its list of
 * defined names is extended just before the workbook part is written.
 */
function addFilterNames(book: ExcelJS.stream.xlsx.WorkbookWriter, filters: FilterRange[]) {
	const internals = book as unknown as { _definedNames?: { model: unknown[] } };
	const own = internals._definedNames;
	if (!own || !('model' in own)) return;
	internals._definedNames = {
		get model() {
			return [...own.model, ...filters];
		}
	};
}

/** A sheet that is one table from row 1: header frozen, filter on. */
async function writeTableSheet(
	book: ExcelJS.stream.xlsx.WorkbookWriter,
	name: string,
	table: Table,
	progress: Progress,
	filters: FilterRange[],
	freezeColumns = 0
) {
	const widths = widthsOf(table);
	// Printed landscape; a sheet that fits on a page's width in a readable size is fitted to it.
	const fits = widths.reduce((a, b) => a + b, 0) <= 200;
	const sheet: Sheet = book.addWorksheet(name, {
		views: [{ state: 'frozen', xSplit: freezeColumns, ySplit: 1 }],
		pageSetup: {
			...(fits ? { ...PAGE, fitToPage: true, fitToWidth: 1, fitToHeight: 0 } : PAGE),
			printTitlesRow: '1:1'
		},
		headerFooter: FOOTER
	});
	sheet.columns = widths.map((width) => ({ width }));
	addFilter(sheet, filters, 1, 1 + table.count, table.columns.length);
	const header = sheet.getRow(1);
	writeHeader(header, table, widths);
	header.commit();
	let r = 2;
	for (const values of table.rows()) {
		const row = sheet.getRow(r++);
		writeBody(row, table, values);
		row.commit();
		await progress.step();
	}
	sheet.commit();
}

async function writeSummarySheet(
	book: ExcelJS.stream.xlsx.WorkbookWriter,
	data: ReportData,
	locale: ReportLocale,
	progress: Progress,
	filters: FilterRange[]
) {
	const l = reportLabels(locale);
	const figures = headlineTable(data, locale);
	const reporting = reportingTable(data, locale);
	const period = (key: string | null) => (key ? periodLabel(key, locale) : l.noData);
	const facts: [string, ExcelJS.CellValue, string?][] = [
		[l.region, cellText(`${data.region.name}（${data.region.code}）`)],
		[
			l.quarter,
			cellText(`${periodLabel(data.quarter.key, locale)}（${data.quarter.start} ~ ${data.quarter.end}）`)
		],
		[
			l.period,
			cellText(
				`${l.latest} ${period(data.period)}；${l.previous} ${period(data.previousPeriod)}；${l.baseline} ${period(data.baselinePeriod)}`
			)
		],
		[l.issuer, cellText(data.issuer)],
		[
			l.issuedOn,
			ISO_DATE.test(data.issuedOn) ? dayToDate(data.issuedOn) : cellText(data.issuedOn),
			'yyyy-mm-dd'
		]
	];
	const headerRow = facts.length + 3;

	// Widths serve both tables: the figures table is the wider and the one the columns follow.
	const a = widthsOf(figures);
	const b = widthsOf(reporting);
	const widths = a.map((w, i) => Math.max(w, b[i] ?? 0));
	const sheet: Sheet = book.addWorksheet(l.sheetSummary, {
		views: [{ state: 'frozen', ySplit: headerRow }],
		pageSetup: { ...PAGE, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
		headerFooter: FOOTER
	});
	sheet.columns = widths.map((width) => ({ width }));
	addFilter(sheet, filters, headerRow, headerRow + figures.count, figures.columns.length);

	const title = sheet.getRow(1);
	title.getCell(1).value = cellText(data.title);
	title.getCell(1).font = { bold: true, size: 14 };
	title.height = 24;
	title.commit();
	facts.forEach(([label, value, fmt], i) => {
		const row = sheet.getRow(i + 2);
		row.getCell(1).value = label;
		row.getCell(1).font = { bold: true };
		row.getCell(2).value = value;
		row.getCell(2).alignment = { horizontal: 'left' };
		if (fmt && value instanceof Date) row.getCell(2).numFmt = fmt;
		row.commit();
	});
	const heading = sheet.getRow(headerRow - 1);
	heading.getCell(1).value = l.figuresHeading;
	heading.getCell(1).font = { bold: true };
	heading.commit();

	let r = headerRow;
	const header = sheet.getRow(r++);
	writeHeader(header, figures, widths);
	header.commit();
	for (const values of figures.rows()) {
		const row = sheet.getRow(r++);
		writeBody(row, figures, values);
		row.commit();
		await progress.step();
	}
	// The overall standing counts points, not means: below the table, outside its filter.
	r++;
	const overall = sheet.getRow(r++);
	overall.getCell(1).value = l.overall;
	overall.getCell(1).font = { bold: true };
	[data.overall.holding, data.overall.rebounding, data.overall.points].forEach((n, i) => {
		overall.getCell(8 + i).value = n;
	});
	overall.commit();

	r++;
	const reportingHeading = sheet.getRow(r++);
	reportingHeading.getCell(1).value = l.reportingHeading;
	reportingHeading.getCell(1).font = { bold: true };
	if (data.reporting?.rounds.length)
		reportingHeading.getCell(2).value = cellText(`${l.rounds}${data.reporting.rounds.join('、')}`);
	reportingHeading.commit();
	const reportingHeader = sheet.getRow(r++);
	writeHeader(reportingHeader, reporting, widths);
	reportingHeader.commit();
	for (const values of reporting.rows()) {
		const row = sheet.getRow(r++);
		writeBody(row, reporting, values);
		row.commit();
		await progress.step();
	}
	sheet.commit();
}

function openFile(file: string): Promise<NodeJS.WritableStream> {
	const stream = createWriteStream(file);
	return new Promise((resolve, reject) => {
		stream.once('error', reject);
		stream.once('open', () => {
			stream.off('error', reject);
			resolve(stream);
		});
	});
}

/**
 * Writes the report's workbook to a stream or a file and resolves when it is complete. The
 * sheets are named in the report's language (Chinese unless told otherwise).
 */
export async function writeReportXlsx(
	data: ReportData,
	out: NodeJS.WritableStream | string,
	options: XlsxOptions = {}
): Promise<void> {
	const locale = options.locale ?? 'zh';
	const l = reportLabels(locale);
	let failed: Error | null = null;
	// An unwritable path fails here, before any of the workbook is built.
	const stream: NodeJS.WritableStream = typeof out === 'string' ? await openFile(out) : out;
	stream.on('error', (e: Error) => (failed ??= e));

	const book = new ExcelJS.stream.xlsx.WorkbookWriter({
		stream: stream as unknown as import('node:stream').Stream,
		useStyles: true,
		useSharedStrings: true
	});
	book.creator = data.issuer;
	book.title = data.title;
	book.created = new Date();

	const sheets: [string, Table, number?][] = [
		[l.sheetIndicators, byRegionTable(data, locale)],
		[l.sheetRebounds, reboundTable(data, locale)],
		[l.sheetSubmissions, submissionTable(data, locale), 3],
		[l.sheetSignboards, signboardTable(data, locale)],
		[l.sheetCertificates, certificateTable(data, locale)],
		[l.sheetSecondments, secondmentTable(data, locale)],
		[l.sheetLate, lateTable(data, locale)]
	];
	const total =
		data.indicators.length +
		(data.reporting ? 1 : 0) +
		data.reportingByChild.length +
		sheets.reduce((n, [, t]) => n + t.count, 0);
	const progress = new Progress(total, options.onProgress);

	const filters: FilterRange[] = [];
	await writeSummarySheet(book, data, locale, progress, filters);
	for (const [name, table, freeze] of sheets) {
		if (failed) break;
		await writeTableSheet(book, name, table, progress, filters, freeze);
	}
	addFilterNames(book, filters);
	if (!failed) await book.commit();
	if (failed) throw failed;
	options.onProgress?.(1);
}
