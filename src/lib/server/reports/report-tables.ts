// Which rows and columns the report's workbook and CSV hold: one table per sheet, built from the
// report's data with the words of text/report-labels.ts. The writers (report-xlsx.ts,
// report-csv.ts) only decide how a value is stored; both take these tables, so the CSV is the
// 填报明细 sheet column for column.
import type { AnswerValue, ChoiceOption, ItemKind } from '../../domain/checklist';
import { indicatorDef, INDICATORS } from '../../domain/indicators';
import { round1 } from '../../text/format';
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

function placeColumns(l: ReportLabels): Column[] {
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

/** Every submission with every answer: the 填报明细 sheet and the CSV. */
export function submissionTable(data: ReportData, locale: ReportLocale = 'zh'): Table {
	const l = reportLabels(locale);
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

function figureColumns(l: ReportLabels): Column[] {
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

export function headlineTable(data: ReportData, locale: ReportLocale): Table {
	const l = reportLabels(locale);
	return {
		columns: [{ header: l.indicator, kind: 'text' }, { header: l.unit, kind: 'text' }, ...figureColumns(l)],
		count: data.indicators.length,
		*rows() {
			for (const f of data.indicators)
				yield [indicatorName(f.indicator, locale), unitLabel(f.indicator, locale), ...figureValues(f)];
		}
	};
}

export function reportingTable(data: ReportData, locale: ReportLocale): Table {
	const l = reportLabels(locale);
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
export function byRegionTable(data: ReportData, locale: ReportLocale): Table {
	const l = reportLabels(locale);
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

export function signboardTable(data: ReportData, locale: ReportLocale): Table {
	const l = reportLabels(locale);
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

export function certificateTable(data: ReportData, locale: ReportLocale): Table {
	const l = reportLabels(locale);
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

export function secondmentTable(data: ReportData, locale: ReportLocale): Table {
	const l = reportLabels(locale);
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
export function reboundTable(data: ReportData, locale: ReportLocale): Table {
	const l = reportLabels(locale);
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

export function lateTable(data: ReportData, locale: ReportLocale): Table {
	const l = reportLabels(locale);
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
