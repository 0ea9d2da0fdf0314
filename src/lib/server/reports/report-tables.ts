// Which rows and columns the report's workbook and CSV hold: one table per sheet, built from the
// report's data with the words of text/report-labels.ts. The writers (report-xlsx.ts,
// report-csv.ts) only decide how a value is stored; both take these tables, so the CSV is the
// 填报明细 sheet column for column.
import type { AnswerValue, ChoiceOption, ItemKind } from '../../domain/checklist';
import { indicatorDef } from '../../domain/indicators';
import { punctuation, round1 } from '../../text/format';
import { reportLabels, unitLabel, type ReportLabels } from '../../text/report-labels';
import type { ReportLocale } from '../../text/reports';
import { explainFlag, indicatorName, statusName } from '../../text/trends';
import type { IndicatorFigure, ReportData } from './report-data';
import { documentText } from './report-text';

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

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Excel refuses longer cell text (it asks to repair the file); the CSV is opened in Excel too. */
export const CELL_TEXT_MAX = 32_767;

/**
 * User text as a cell holds it: the one clean-text rule with its lines kept, then cut at Excel's
 * limit without leaving half of a surrogate pair at the cut.
 */
export function cellText(text: string): string {
	let s = documentText(text, { multiline: true });
	if (s.length > CELL_TEXT_MAX) {
		s = s.slice(0, CELL_TEXT_MAX);
		if (/[\uD800-\uDBFF]$/.test(s)) s = s.slice(0, -1);
	}
	return s;
}

const change = (a: number | null, b: number | null) => (a === null || b === null ? null : round1(a - b));

function answerValue(item: ItemColumn, value: AnswerValue | undefined, l: ReportLabels): Value {
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

const yesNo = (b: boolean, l: ReportLabels) => (b ? l.yes : l.no);

/** A column with the way one row gives its value. */
interface Field<R> extends Column {
	value: (row: R) => Value;
}

const field = <R>(header: string, kind: ColumnKind, value: (row: R) => Value): Field<R> => ({
	header,
	kind,
	value
});
/** A short flag or state, shown centred. */
const centred = <R>(header: string, value: (row: R) => Value): Field<R> => ({
	header,
	kind: 'text',
	center: true,
	value
});

/** The one table-definition helper: a row per item, its columns and values from one list of fields. */
function table<R>(items: readonly R[], fields: Field<R>[]): Table {
	return {
		columns: fields.map(({ header, kind, center }) => (center ? { header, kind, center } : { header, kind })),
		count: items.length,
		*rows() {
			for (const item of items) yield fields.map((f) => f.value(item));
		}
	};
}

interface Placed {
	pointName: string;
	regionCode: string;
}

/** County, township, point and code: the first columns of every per-point sheet. */
function placeFields<R extends Placed>(data: ReportData, l: ReportLabels): Field<R>[] {
	return [
		field(l.county, 'text', (r) => data.regionNames[r.regionCode.slice(0, 6)] ?? null),
		field(l.township, 'text', (r) => data.regionNames[r.regionCode.slice(0, 9)] ?? null),
		field(l.point, 'text', (r) => r.pointName),
		field(l.code, 'text', (r) => r.regionCode)
	];
}

/** Every submission with every answer: the 填报明细 sheet and the CSV. */
export function submissionTable(data: ReportData, locale: ReportLocale = 'zh'): Table {
	const l = reportLabels(locale);
	const items = data.items as ItemColumn[];
	type Row = ReportData['submissions'][number];
	return table<Row>(data.submissions, [
		...placeFields<Row>(data, l),
		field(l.round, 'text', (s) => s.roundName),
		centred(l.status, (s) => l.submissionState[s.status] ?? s.status),
		centred(l.isLate, (s) => yesNo(s.late, l)),
		field(l.submittedAt, 'time', (s) => s.submittedAt),
		field(l.reviewedAt, 'time', (s) => s.reviewedAt),
		...items.map((item) =>
			field<Row>(item.label, itemColumnKind(item, data), (s) => answerValue(item, s.answers[item.key], l))
		)
	]);
}

function figureFields<R>(l: ReportLabels, figureOf: (row: R) => IndicatorFigure): Field<R>[] {
	return [
		field(l.latest, 'decimal', (r) => figureOf(r).latest),
		field(l.previous, 'decimal', (r) => figureOf(r).previous),
		field(l.baseline, 'decimal', (r) => figureOf(r).baseline),
		field(l.vsPrevious, 'change', (r) => change(figureOf(r).latest, figureOf(r).previous)),
		field(l.vsBaseline, 'change', (r) => change(figureOf(r).latest, figureOf(r).baseline)),
		field(l.holding, 'number', (r) => figureOf(r).holding),
		field(l.rebounding, 'number', (r) => figureOf(r).rebounding),
		field(l.points, 'number', (r) => figureOf(r).points)
	];
}

export function headlineTable(data: ReportData, locale: ReportLocale): Table {
	const l = reportLabels(locale);
	return table<IndicatorFigure>(data.indicators, [
		field(l.indicator, 'text', (f) => indicatorName(f.indicator, locale)),
		field(l.unit, 'text', (f) => unitLabel(f.indicator, locale)),
		...figureFields<IndicatorFigure>(l, (f) => f)
	]);
}

export function reportingTable(data: ReportData, locale: ReportLocale): Table {
	const l = reportLabels(locale);
	const rows = data.reporting
		? [{ ...data.reporting, name: l.wholeRegion, code: data.region.code }, ...data.reportingByChild]
		: data.reportingByChild;
	type Row = (typeof rows)[number];
	return table<Row>(rows, [
		field(l.regionName, 'text', (r) => r.name),
		field(l.code, 'text', (r) => r.code),
		field(l.targets, 'number', (r) => r.targets),
		field(l.onTime, 'number', (r) => r.onTime),
		field(l.late, 'number', (r) => r.late),
		field(l.missing, 'number', (r) => r.missing),
		field(l.accepted, 'number', (r) => r.accepted),
		field(l.rate, 'percent', (r) => (r.targets > 0 ? (r.onTime + r.late) / r.targets : null))
	]);
}

/** One row per region (the report's own first, then each child) and indicator: easy to filter. */
export function byRegionTable(data: ReportData, locale: ReportLocale): Table {
	const l = reportLabels(locale);
	const groups = [
		{ code: data.region.code, name: data.region.name, figures: data.indicators },
		...data.childTables
	];
	const rows = groups.flatMap((g) => g.figures.map((figure) => ({ code: g.code, name: g.name, figure })));
	type Row = (typeof rows)[number];
	return table<Row>(rows, [
		field(l.code, 'text', (r) => r.code),
		field(l.regionName, 'text', (r) => r.name),
		field(l.indicator, 'text', (r) => indicatorName(r.figure.indicator, locale)),
		field(l.unit, 'text', (r) => unitLabel(r.figure.indicator, locale)),
		...figureFields<Row>(l, (r) => r.figure)
	]);
}

export function signboardTable(data: ReportData, locale: ReportLocale): Table {
	const l = reportLabels(locale);
	type Row = ReportData['signboards'][number];
	return table<Row>(data.signboards, [
		...placeFields<Row>(data, l),
		field(l.signText, 'text', (s) => s.text),
		field(l.category, 'text', (s) => s.categoryName),
		centred(l.categoryStatus, (s) => l.categoryStatuses[s.categoryStatus] ?? s.categoryStatus),
		centred(l.placement, (s) => l.placements[s.placement] ?? s.placement),
		centred(l.signState, (s) => l.signStates[s.state] ?? s.state),
		field(l.lastDate, 'date', (s) => s.lastDate),
		centred(l.rehung, (s) => yesNo(s.rehung, l)),
		centred(l.rebound, (s) => yesNo(s.rebound, l))
	]);
}

export function certificateTable(data: ReportData, locale: ReportLocale): Table {
	const l = reportLabels(locale);
	type Row = ReportData['certificates'][number];
	return table<Row>(data.certificates, [
		...placeFields<Row>(data, l),
		field(l.certItem, 'text', (c) => c.itemName),
		centred(l.certItemStatus, (c) => l.categoryStatuses[c.itemStatus] ?? c.itemStatus),
		centred(l.certIssuing, (c) => (c.status ? (l.certStatuses[c.status] ?? c.status) : null)),
		field(l.periodStart, 'date', (c) => c.periodStart),
		field(l.periodEnd, 'date', (c) => c.periodEnd),
		field(l.issued, 'number', (c) => c.issued),
		centred(l.violation, (c) => yesNo(c.violation, l))
	]);
}

export function secondmentTable(data: ReportData, locale: ReportLocale): Table {
	const l = reportLabels(locale);
	type Row = ReportData['secondments'][number];
	return table<Row>(data.secondments, [
		...placeFields<Row>(data, l),
		field(l.person, 'text', (s) => s.personName),
		field(l.post, 'text', (s) => s.post),
		field(l.borrowingUnit, 'text', (s) => s.borrowingUnit),
		field(l.startDate, 'date', (s) => s.startDate),
		field(l.expectedEnd, 'date', (s) => s.expectedEnd),
		field(l.returnDate, 'date', (s) => s.returnDate),
		centred(l.secondmentState, (s) => l.secondmentStates[s.state] ?? s.state),
		centred(l.approved, (s) => yesNo(s.approved, l)),
		field(l.approvalRef, 'text', (s) => s.approvalRef),
		centred(l.overdue, (s) => yesNo(s.overdue, l)),
		centred(l.violation, (s) => yesNo(s.violation, l))
	]);
}

/** Each flagged point once: rebounding points first, then those watched, with every indicator and why. */
export function reboundTable(data: ReportData, locale: ReportLocale): Table {
	const l = reportLabels(locale);
	const p = punctuation(locale);
	type Row = ReportData['rebounds'][number];
	return table<Row>(data.rebounds, [
		...placeFields<Row>(data, l),
		centred(l.judged, (r) => statusName(r.status, locale)),
		field(l.flaggedIndicators, 'text', (r) =>
			r.flags.map((f) => indicatorName(f.indicator, locale)).join(p.semi)
		),
		field(l.why, 'text', (r) =>
			r.flags
				.map(
					(f) =>
						`${indicatorName(f.indicator, locale)}${p.colon}${explainFlag(f, indicatorDef(f.indicator)!, locale)}`
				)
				.join(locale === 'zh' ? '' : ' ')
		)
	]);
}

export function lateTable(data: ReportData, locale: ReportLocale): Table {
	const l = reportLabels(locale);
	type Row = ReportData['lateOrMissing'][number];
	return table<Row>(data.lateOrMissing, [
		...placeFields<Row>(data, l),
		field(l.round, 'text', (r) => r.roundName),
		field(l.dueOn, 'date', (r) => r.dueOn),
		centred(l.lateState, (r) => (r.state === 'late' ? l.stateLate : l.stateMissing)),
		field(l.submittedAt, 'time', (r) => r.submittedAt)
	]);
}
