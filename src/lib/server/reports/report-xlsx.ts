// The quarterly report as an Excel workbook: a summary, the indicators by region, every submission
// with every answer, the registers and the late or missing list. Written with exceljs's streaming
// writer, so the benchmark's 9,000 submissions never sit in memory as a whole workbook model.
//
// User text is always written as a string cell (never as an object with `formula`), so text such
// as `=HYPERLINK(…)` is shown, not run. exceljs cannot set the `quotePrefix` style attribute, so a
// user who later edits such a cell in Excel re-enters it like any typed text.
import { createWriteStream } from 'node:fs';
import ExcelJS from 'exceljs';
import type { AnswerValue, ChoiceOption, ItemKind } from '../../domain/checklist';
import { CHINA_OFFSET_MS } from '../../domain/periods';
import { indicatorDef, INDICATORS, type IndicatorKey } from '../../domain/indicators';
import { m } from '../../paraglide/messages.js';
import { explainFlag, indicatorName, periodLabel, statusName, unitName } from '../../text/trends';
import type { IndicatorFigure, ReportData } from './report-data';

export type ReportLocale = 'zh' | 'en';

export interface XlsxOptions {
	locale?: ReportLocale;
	/** Called with the share done, 0 to 1. */
	onProgress?: (share: number) => void;
}

/** How a column's values are stored and shown. */
export type ColumnKind = 'text' | 'number' | 'decimal' | 'change' | 'percent' | 'date' | 'time';

export interface Column {
	header: string;
	kind: ColumnKind;
	/** Short flags and states (是/否, 已通过) read better centred. */
	center?: boolean;
}

/** A value as the renderers take it: dates are `YYYY-MM-DD` (date) or ISO instants (time). */
export type Value = string | number | null;

export interface Table {
	columns: Column[];
	/** Rows are produced on demand (twice: once for widths, once for writing). */
	rows: () => Iterable<Value[]>;
	count: number;
}

/** The item as the report lists it; kind and options, when present, give dates and choice labels. */
type ItemColumn = ReportData['items'][number] & { kind?: ItemKind; options?: ChoiceOption[] };

/** Excel refuses longer cell text (it asks to repair the file). */
const CELL_TEXT_MAX = 32_767;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// ---- Words -------------------------------------------------------------------------------------

export function labels(locale: ReportLocale) {
	const o = { locale };
	return {
		sheetSummary: m.report_xlsx_sheet_summary({}, o),
		sheetIndicators: m.report_xlsx_sheet_indicators({}, o),
		sheetSubmissions: m.report_xlsx_sheet_submissions({}, o),
		sheetSignboards: m.report_xlsx_sheet_signboards({}, o),
		sheetCertificates: m.report_xlsx_sheet_certificates({}, o),
		sheetSecondments: m.report_xlsx_sheet_secondments({}, o),
		sheetLate: m.report_xlsx_sheet_late({}, o),
		sheetRebounds: m.report_xlsx_sheet_rebounds({}, o),
		judged: m.report_xlsx_col_judged({}, o),
		flaggedIndicators: m.report_xlsx_col_flagged_indicators({}, o),
		why: m.report_xlsx_col_why({}, o),
		region: m.report_xlsx_region({}, o),
		quarter: m.report_xlsx_quarter({}, o),
		period: m.report_xlsx_period({}, o),
		issuer: m.report_xlsx_issuer({}, o),
		issuedOn: m.report_xlsx_issued_on({}, o),
		figuresHeading: m.report_xlsx_figures_heading({}, o),
		reportingHeading: m.report_xlsx_reporting_heading({}, o),
		rounds: m.report_xlsx_rounds({}, o),
		overall: m.report_xlsx_overall({}, o),
		wholeRegion: m.report_xlsx_whole_region({}, o),
		noData: m.report_xlsx_no_data({}, o),
		indicator: m.report_xlsx_col_indicator({}, o),
		unit: m.report_xlsx_col_unit({}, o),
		latest: m.report_xlsx_col_latest({}, o),
		previous: m.report_xlsx_col_previous({}, o),
		baseline: m.report_xlsx_col_baseline({}, o),
		vsPrevious: m.report_xlsx_col_vs_previous({}, o),
		vsBaseline: m.report_xlsx_col_vs_baseline({}, o),
		holding: m.report_xlsx_col_holding({}, o),
		rebounding: m.report_xlsx_col_rebounding({}, o),
		points: m.report_xlsx_col_points({}, o),
		targets: m.report_xlsx_col_targets({}, o),
		onTime: m.report_xlsx_col_on_time({}, o),
		late: m.report_xlsx_col_late({}, o),
		missing: m.report_xlsx_col_missing({}, o),
		accepted: m.report_xlsx_col_accepted({}, o),
		rate: m.report_xlsx_col_rate({}, o),
		code: m.report_xlsx_col_code({}, o),
		regionName: m.report_xlsx_col_region({}, o),
		county: m.report_xlsx_col_county({}, o),
		township: m.report_xlsx_col_township({}, o),
		point: m.report_xlsx_col_point({}, o),
		round: m.report_xlsx_col_round({}, o),
		status: m.report_xlsx_col_status({}, o),
		isLate: m.report_xlsx_col_is_late({}, o),
		submittedAt: m.report_xlsx_col_submitted_at({}, o),
		reviewedAt: m.report_xlsx_col_reviewed_at({}, o),
		signText: m.report_xlsx_col_sign_text({}, o),
		category: m.report_xlsx_col_category({}, o),
		categoryStatus: m.report_xlsx_col_category_status({}, o),
		placement: m.report_xlsx_col_placement({}, o),
		signState: m.report_xlsx_col_sign_state({}, o),
		lastDate: m.report_xlsx_col_last_date({}, o),
		rehung: m.report_xlsx_col_rehung({}, o),
		rebound: m.report_xlsx_col_rebound({}, o),
		certItem: m.report_xlsx_col_cert_item({}, o),
		certItemStatus: m.report_xlsx_col_cert_item_status({}, o),
		certIssuing: m.report_xlsx_col_cert_issuing({}, o),
		periodStart: m.report_xlsx_col_period_start({}, o),
		periodEnd: m.report_xlsx_col_period_end({}, o),
		issued: m.report_xlsx_col_issued({}, o),
		violation: m.report_xlsx_col_violation({}, o),
		person: m.report_xlsx_col_person({}, o),
		post: m.report_xlsx_col_post({}, o),
		borrowingUnit: m.report_xlsx_col_borrowing_unit({}, o),
		startDate: m.report_xlsx_col_start_date({}, o),
		expectedEnd: m.report_xlsx_col_expected_end({}, o),
		returnDate: m.report_xlsx_col_return_date({}, o),
		secondmentState: m.report_xlsx_col_secondment_state({}, o),
		approved: m.report_xlsx_col_approved({}, o),
		approvalRef: m.report_xlsx_col_approval_ref({}, o),
		overdue: m.report_xlsx_col_overdue({}, o),
		dueOn: m.report_xlsx_col_due_on({}, o),
		lateState: m.report_xlsx_col_late_state({}, o),
		yes: m.report_xlsx_yes({}, o),
		no: m.report_xlsx_no({}, o),
		stateLate: m.report_xlsx_state_late({}, o),
		stateMissing: m.report_xlsx_state_missing({}, o),
		submissionState: {
			submitted: m.state_submitted({}, o),
			returned: m.state_returned({}, o),
			accepted: m.state_accepted({}, o),
			draft: m.state_draft({}, o)
		} as Record<string, string>,
		placements: {
			exterior: m.register_placement_exterior({}, o),
			interior: m.register_placement_interior({}, o),
			wall: m.register_placement_wall({}, o)
		} as Record<string, string>,
		categoryStatuses: {
			cancelled: m.catalogue_status_cancelled({}, o),
			kept: m.catalogue_status_kept({}, o),
			retained: m.catalogue_status_retained({}, o)
		} as Record<string, string>,
		signStates: {
			hung: m.register_state_hung({}, o),
			removed: m.register_state_removed({}, o)
		} as Record<string, string>,
		certStatuses: {
			issuing: m.register_cert_issuing({}, o),
			stopped: m.register_cert_stopped({}, o)
		} as Record<string, string>,
		secondmentStates: {
			active: m.register_secondment_active({}, o),
			returned: m.register_secondment_returned({}, o),
			upcoming: m.register_secondment_upcoming({}, o)
		} as Record<string, string>
	};
}
export type Labels = ReturnType<typeof labels>;

function unitLabel(key: IndicatorKey, locale: ReportLocale): string {
	const def = indicatorDef(key);
	return def ? unitName(def.unit, locale) : '';
}

// ---- Values ------------------------------------------------------------------------------------

/**
 * Text as a cell can hold it: lone surrogates (which make the XML unreadable) become U+FFFD,
 * the two XML non-characters go, and anything longer than Excel's limit is cut.
 */
export function cleanText(text: string): string {
	let s = text.replace(LONE_SURROGATE, '\uFFFD').replace(/[\uFFFE\uFFFF]/g, '');
	if (s.length > CELL_TEXT_MAX) {
		s = s.slice(0, CELL_TEXT_MAX);
		// Do not leave half of a surrogate pair at the cut.
		if (/[\uD800-\uDBFF]$/.test(s)) s = s.slice(0, -1);
	}
	return s;
}

/** A calendar day as the Excel serial of its midnight (exceljs writes Dates as UTC). */
const dayToDate = (day: string) => new Date(`${day}T00:00:00Z`);
/** An instant as China wall-clock time, since Excel has no time zones. */
const instantToDate = (iso: string) => new Date(Date.parse(iso) + CHINA_OFFSET_MS);

/** `YYYY-MM-DD HH:mm` in China time, for the CSV. */
export function chinaTimestamp(iso: string): string {
	const at = Date.parse(iso);
	if (Number.isNaN(at)) return iso;
	return new Date(at + CHINA_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const change = (a: number | null, b: number | null) => (a === null || b === null ? null : round1(a - b));

function answerValue(item: ItemColumn, value: AnswerValue | undefined, l: Labels): Value {
	if (value === null || value === undefined) return null;
	if (typeof value === 'boolean') return value ? l.yes : l.no;
	if (typeof value === 'number') return Number.isFinite(value) ? value : null;
	const label = (v: string) => item.options?.find((o) => o.value === v)?.label ?? v;
	if (Array.isArray(value)) return value.map(label).join('、');
	if (item.kind === 'single' || item.kind === 'multi') return label(value);
	return value;
}

/** An item's column kind: dates as dates, counts and numbers as numbers, the rest as text. */
function itemColumnKind(item: ItemColumn, data: ReportData): ColumnKind {
	if (item.kind === 'date') return 'date';
	if (item.kind) return item.kind === 'count' || item.kind === 'number' ? 'number' : 'text';
	// Without the kind, a column whose every answer is a day is a date column.
	let days = 0;
	for (const s of data.submissions) {
		const v = s.answers[item.key];
		if (v === null || v === undefined) continue;
		if (typeof v !== 'string' || !ISO_DATE.test(v)) return 'text';
		days++;
	}
	return days > 0 ? 'date' : 'text';
}

const yesNo = (b: boolean, l: Labels) => (b ? l.yes : l.no);

function placeColumns(l: Labels): Column[] {
	return [
		{ header: l.county, kind: 'text' },
		{ header: l.township, kind: 'text' },
		{ header: l.point, kind: 'text' },
		{ header: l.code, kind: 'text' }
	];
}

function placeValues(data: ReportData, pointName: string, regionCode: string): Value[] {
	return [
		data.regionNames[regionCode.slice(0, 6)] ?? null,
		data.regionNames[regionCode.slice(0, 9)] ?? null,
		pointName,
		regionCode
	];
}

// ---- Tables ------------------------------------------------------------------------------------

/** Every submission with every answer: the 填报明细 sheet and the CSV. */
export function submissionTable(data: ReportData, locale: ReportLocale = 'zh'): Table {
	const l = labels(locale);
	const items = data.items as ItemColumn[];
	const kinds = items.map((i) => itemColumnKind(i, data));
	return {
		columns: [
			...placeColumns(l),
			{ header: l.round, kind: 'text' },
			{ header: l.status, kind: 'text', center: true },
			{ header: l.isLate, kind: 'text', center: true },
			{ header: l.submittedAt, kind: 'time' },
			{ header: l.reviewedAt, kind: 'time' },
			...items.map((i, n) => ({ header: i.label, kind: kinds[n] }))
		],
		count: data.submissions.length,
		*rows() {
			for (const s of data.submissions)
				yield [
					...placeValues(data, s.pointName, s.regionCode),
					s.roundName,
					l.submissionState[s.status] ?? s.status,
					yesNo(s.late, l),
					s.submittedAt,
					s.reviewedAt,
					...items.map((item) => answerValue(item, s.answers[item.key], l))
				];
		}
	};
}

function figureValues(f: IndicatorFigure): Value[] {
	return [
		f.latest,
		f.previous,
		f.baseline,
		change(f.latest, f.previous),
		change(f.latest, f.baseline),
		f.holding,
		f.rebounding,
		f.points
	];
}

function figureColumns(l: Labels): Column[] {
	return [
		{ header: l.latest, kind: 'decimal' },
		{ header: l.previous, kind: 'decimal' },
		{ header: l.baseline, kind: 'decimal' },
		{ header: l.vsPrevious, kind: 'change' },
		{ header: l.vsBaseline, kind: 'change' },
		{ header: l.holding, kind: 'number' },
		{ header: l.rebounding, kind: 'number' },
		{ header: l.points, kind: 'number' }
	];
}

function headlineTable(data: ReportData, locale: ReportLocale): Table {
	const l = labels(locale);
	return {
		columns: [{ header: l.indicator, kind: 'text' }, { header: l.unit, kind: 'text' }, ...figureColumns(l)],
		count: data.indicators.length,
		*rows() {
			for (const f of data.indicators)
				yield [indicatorName(f.indicator, locale), unitLabel(f.indicator, locale), ...figureValues(f)];
		}
	};
}

function reportingTable(data: ReportData, locale: ReportLocale): Table {
	const l = labels(locale);
	const rate = (r: { targets: number; onTime: number; late: number }) =>
		r.targets > 0 ? (r.onTime + r.late) / r.targets : null;
	const rows: Value[][] = [];
	if (data.reporting) {
		const r = data.reporting;
		rows.push([l.wholeRegion, data.region.code, r.targets, r.onTime, r.late, r.missing, r.accepted, rate(r)]);
	}
	for (const r of data.reportingByChild)
		rows.push([r.name, r.code, r.targets, r.onTime, r.late, r.missing, r.accepted, rate(r)]);
	return {
		columns: [
			{ header: l.regionName, kind: 'text' },
			{ header: l.code, kind: 'text' },
			{ header: l.targets, kind: 'number' },
			{ header: l.onTime, kind: 'number' },
			{ header: l.late, kind: 'number' },
			{ header: l.missing, kind: 'number' },
			{ header: l.accepted, kind: 'number' },
			{ header: l.rate, kind: 'percent' }
		],
		count: rows.length,
		rows: () => rows
	};
}

/** One row per region (the report's own first, then each child) and indicator: easy to filter. */
function byRegionTable(data: ReportData, locale: ReportLocale): Table {
	const l = labels(locale);
	const groups = [
		{ code: data.region.code, name: data.region.name, figures: data.indicators },
		...data.childTables
	];
	return {
		columns: [
			{ header: l.code, kind: 'text' },
			{ header: l.regionName, kind: 'text' },
			{ header: l.indicator, kind: 'text' },
			{ header: l.unit, kind: 'text' },
			...figureColumns(l)
		],
		count: groups.length * INDICATORS.length,
		*rows() {
			for (const g of groups)
				for (const f of g.figures)
					yield [
						g.code,
						g.name,
						indicatorName(f.indicator, locale),
						unitLabel(f.indicator, locale),
						...figureValues(f)
					];
		}
	};
}

function signboardTable(data: ReportData, locale: ReportLocale): Table {
	const l = labels(locale);
	return {
		columns: [
			...placeColumns(l),
			{ header: l.signText, kind: 'text' },
			{ header: l.category, kind: 'text' },
			{ header: l.categoryStatus, kind: 'text', center: true },
			{ header: l.placement, kind: 'text', center: true },
			{ header: l.signState, kind: 'text', center: true },
			{ header: l.lastDate, kind: 'date' },
			{ header: l.rehung, kind: 'text', center: true },
			{ header: l.rebound, kind: 'text', center: true }
		],
		count: data.signboards.length,
		*rows() {
			for (const s of data.signboards)
				yield [
					...placeValues(data, s.pointName, s.regionCode),
					s.text,
					s.categoryName,
					l.categoryStatuses[s.categoryStatus] ?? s.categoryStatus,
					l.placements[s.placement] ?? s.placement,
					l.signStates[s.state] ?? s.state,
					s.lastDate,
					yesNo(s.rehung, l),
					yesNo(s.rebound, l)
				];
		}
	};
}

function certificateTable(data: ReportData, locale: ReportLocale): Table {
	const l = labels(locale);
	return {
		columns: [
			...placeColumns(l),
			{ header: l.certItem, kind: 'text' },
			{ header: l.certItemStatus, kind: 'text', center: true },
			{ header: l.certIssuing, kind: 'text', center: true },
			{ header: l.periodStart, kind: 'date' },
			{ header: l.periodEnd, kind: 'date' },
			{ header: l.issued, kind: 'number' },
			{ header: l.violation, kind: 'text', center: true }
		],
		count: data.certificates.length,
		*rows() {
			for (const c of data.certificates)
				yield [
					...placeValues(data, c.pointName, c.regionCode),
					c.itemName,
					l.categoryStatuses[c.itemStatus] ?? c.itemStatus,
					c.status ? (l.certStatuses[c.status] ?? c.status) : null,
					c.periodStart,
					c.periodEnd,
					c.issued,
					yesNo(c.violation, l)
				];
		}
	};
}

function secondmentTable(data: ReportData, locale: ReportLocale): Table {
	const l = labels(locale);
	return {
		columns: [
			...placeColumns(l),
			{ header: l.person, kind: 'text' },
			{ header: l.post, kind: 'text' },
			{ header: l.borrowingUnit, kind: 'text' },
			{ header: l.startDate, kind: 'date' },
			{ header: l.expectedEnd, kind: 'date' },
			{ header: l.returnDate, kind: 'date' },
			{ header: l.secondmentState, kind: 'text', center: true },
			{ header: l.approved, kind: 'text', center: true },
			{ header: l.approvalRef, kind: 'text' },
			{ header: l.overdue, kind: 'text', center: true },
			{ header: l.violation, kind: 'text', center: true }
		],
		count: data.secondments.length,
		*rows() {
			for (const s of data.secondments)
				yield [
					...placeValues(data, s.pointName, s.regionCode),
					s.personName,
					s.post,
					s.borrowingUnit,
					s.startDate,
					s.expectedEnd,
					s.returnDate,
					l.secondmentStates[s.state] ?? s.state,
					yesNo(s.approved, l),
					s.approvalRef,
					yesNo(s.overdue, l),
					yesNo(s.violation, l)
				];
		}
	};
}

/** Each flagged point once: rebounding points first, then those watched, with every indicator and why. */
function reboundTable(data: ReportData, locale: ReportLocale): Table {
	const l = labels(locale);
	const sep = locale === 'zh' ? '；' : '; ';
	return {
		columns: [
			...placeColumns(l),
			{ header: l.judged, kind: 'text', center: true },
			{ header: l.flaggedIndicators, kind: 'text' },
			{ header: l.why, kind: 'text' }
		],
		count: data.rebounds.length,
		*rows() {
			for (const r of data.rebounds)
				yield [
					...placeValues(data, r.pointName, r.regionCode),
					statusName(r.status, locale),
					r.flags.map((f) => indicatorName(f.indicator, locale)).join(sep),
					r.flags
						.map(
							(f) =>
								`${indicatorName(f.indicator, locale)}${locale === 'zh' ? '：' : ': '}${explainFlag(f, indicatorDef(f.indicator)!, locale)}`
						)
						.join(locale === 'zh' ? '' : ' ')
				];
		}
	};
}

function lateTable(data: ReportData, locale: ReportLocale): Table {
	const l = labels(locale);
	return {
		columns: [
			...placeColumns(l),
			{ header: l.round, kind: 'text' },
			{ header: l.dueOn, kind: 'date' },
			{ header: l.lateState, kind: 'text', center: true },
			{ header: l.submittedAt, kind: 'time' }
		],
		count: data.lateOrMissing.length,
		*rows() {
			for (const r of data.lateOrMissing)
				yield [
					...placeValues(data, r.pointName, r.regionCode),
					r.roundName,
					r.dueOn,
					r.state === 'late' ? l.stateLate : l.stateMissing,
					r.submittedAt
				];
		}
	};
}

// ---- Writing -----------------------------------------------------------------------------------

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
	return cleanText(v);
}

function writeHeader(row: ExcelJS.Row, table: Table, widths: number[]) {
	let lines = 1;
	table.columns.forEach((c, i) => {
		const cell = row.getCell(i + 1);
		cell.value = cleanText(c.header);
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
	const l = labels(locale);
	const figures = headlineTable(data, locale);
	const reporting = reportingTable(data, locale);
	const period = (key: string | null) => (key ? periodLabel(key, locale) : l.noData);
	const facts: [string, ExcelJS.CellValue, string?][] = [
		[l.region, cleanText(`${data.region.name}（${data.region.code}）`)],
		[
			l.quarter,
			cleanText(`${periodLabel(data.quarter.key, locale)}（${data.quarter.start} ~ ${data.quarter.end}）`)
		],
		[
			l.period,
			cleanText(
				`${l.latest} ${period(data.period)}；${l.previous} ${period(data.previousPeriod)}；${l.baseline} ${period(data.baselinePeriod)}`
			)
		],
		[l.issuer, cleanText(data.issuer)],
		[
			l.issuedOn,
			ISO_DATE.test(data.issuedOn) ? dayToDate(data.issuedOn) : cleanText(data.issuedOn),
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
	title.getCell(1).value = cleanText(data.title);
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
		reportingHeading.getCell(2).value = cleanText(`${l.rounds}${data.reporting.rounds.join('、')}`);
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
	const l = labels(locale);
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
