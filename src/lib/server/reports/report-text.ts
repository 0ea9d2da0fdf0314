// The words of the quarterly report: every sentence the product writes, with the figures filled
// in, so the analyst edits rather than writes. The Word document and the browser print view both
// lay out these sections, so they say the same thing in the same order. Plain data only (no
// functions), so a load function can send the sections to the page as they are.
//
// The document's language is chosen by the caller, not by the request, so every message is called
// with `{ locale }`. Relative imports keep the module runnable under tsx (bench, CLI).
import { parsePeriodKey } from '../../domain/periods';
import { changeMeaning, formatNumber, formatSigned, percentChange, round1 } from '../../text/format';
import type { ReportLocale } from '../../text/reports';
import {
	explainFlag,
	indicatorName as indicatorNameIn,
	periodLabel,
	unitName as unitNameIn,
	withUnit as withUnitIn
} from '../../text/trends';
import { INDICATORS, indicatorDef, type IndicatorKey, type IndicatorUnit } from '../../domain/indicators';
import { lengthByLevel, levelOfCode } from '../../domain/regions';
import * as m from '../../paraglide/messages';
import type { ReportChart } from './chart-png';
import type { IndicatorFigure, ReportData } from './report-data';

export type { ReportChart, ReportLocale };

export interface ReportColumn {
	label: string;
	align: 'left' | 'center' | 'right';
	/** Relative width; the renderer shares the text width out by these. */
	weight: number;
}

export interface ReportTable {
	columns: ReportColumn[];
	rows: string[][];
}

export type ReportBlock =
	| { kind: 'paragraph'; text: string }
	| { kind: 'subheading'; text: string }
	/** Tables carry their caption above them, as official reports do. */
	| { kind: 'table'; id: string; caption: string; table: ReportTable }
	/** Figures carry their caption below them. */
	| { kind: 'chart'; id: string; caption: string; chart: ReportChart };

export type ReportSectionKey =
	'overview' | 'indicators' | 'reporting' | 'regions' | 'rebounds' | 'burdens' | 'next';

export interface ReportSection {
	key: ReportSectionKey;
	/** 一、 or 1. */
	number: string;
	title: string;
	/** The number and the title, as printed. */
	heading: string;
	blocks: ReportBlock[];
}

export interface ReportFront {
	title: string;
	issuer: string;
	/** 2026年11月22日 / 22 November 2026. */
	date: string;
	/** The opening sentence before section one. */
	lead: string;
}

/** The indicators the overview writes a sentence about and the charts draw, in this order. */
export const KEY_INDICATORS: IndicatorKey[] = [
	'signboards_exterior',
	'signboards_cancelled_hung',
	'meetings_attended',
	'data_requests',
	'inspections_received',
	'compliance_rate'
];

/** Above this many children, section four is one table with a row each instead of a table each. */
export const MAX_CHILD_TABLES = 6;
export const MAX_REBOUND_ROWS = 100;
export const MAX_BURDENS = 10;

const CHINESE_NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const chineseNumber = (n: number): string =>
	n <= 10
		? CHINESE_NUMERALS[n - 1]
		: n < 20
			? `十${CHINESE_NUMERALS[n - 11]}`
			: `${CHINESE_NUMERALS[Math.floor(n / 10) - 1]}十${n % 10 ? CHINESE_NUMERALS[(n % 10) - 1] : ''}`;

// C0 controls other than tab, newline and carriage return are not allowed in XML 1.0, nor are
// U+FFFE/U+FFFF; any of them would make Word or Excel refuse the file. An unpaired surrogate
// cannot be written as UTF-8 at all: it becomes U+FFFD, so the reader sees something was lost.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// eslint-disable-next-line no-control-regex
const MAY_NEED_CLEANING = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uD800-\uDFFF\uFFFE\uFFFF]/;

/**
 * The one rule for user text in every rendering of the report (Word, print view, workbook, CSV):
 * no characters XML refuses. A paragraph or a table cell of the document is one line, so line
 * breaks and tabs become single spaces and the ends are trimmed; `multiline` (a workbook cell,
 * a CSV field) keeps the text's own lines and spacing.
 */
export function documentText(text: string, options: { multiline?: boolean } = {}): string {
	// Most text has nothing to clean; one test is cheaper than the replacements (the workbook
	// cleans every cell of every submission).
	const safe = MAY_NEED_CLEANING.test(text)
		? text
				.replace(/[\v\f]/g, ' ')
				.replace(NOT_XML, '')
				.replace(LONE_SURROGATE, '\uFFFD')
		: text;
	if (options.multiline) return safe;
	return safe
		.replace(/\s*[\r\n]+\s*/g, ' ')
		.replace(/\t/g, ' ')
		.trim();
}

/** The words one report needs, bound to its locale. */
function wordsFor(locale: ReportLocale) {
	const opt = { locale };
	const zh = locale === 'zh';
	const num = (n: number) => formatNumber(n, locale);
	const unitName = (unit: IndicatorUnit) => unitNameIn(unit, locale);
	const withUnit = (value: number, unit: IndicatorUnit) => withUnitIn(value, unit, locale);
	const indicatorName = (key: string) => indicatorNameIn(key, locale);
	const period = (key: string | null | undefined): string => periodLabel(key, locale);
	const list = (items: string[], max = 3) => {
		const shown = items.slice(0, max).join(zh ? '、' : ', ');
		return items.length > max ? m.report_list_more({ list: shown }, opt) : shown;
	};
	const sentences = (parts: string[]) =>
		zh ? `${parts.join('，')}。` : `${parts[0]}${parts.length > 1 ? `, ${parts.slice(1).join(', ')}` : ''}.`;
	return { opt, zh, num, unitName, withUnit, indicatorName, period, list, sentences };
}

type Words = ReturnType<typeof wordsFor>;

/** 2026-11-22 → 2026年11月22日 / 22 November 2026; anything else as it is. */
export function reportDate(iso: string, locale: ReportLocale): string {
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
	if (!match) return documentText(iso);
	const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
	const monthName =
		locale === 'zh'
			? String(month)
			: new Intl.DateTimeFormat('en-GB', { month: 'long', timeZone: 'UTC' }).format(
					new Date(Date.UTC(year, month - 1, 1))
				);
	return m.report_date({ year, month: monthName, day }, { locale });
}

export function reportFront(data: ReportData, locale: ReportLocale): ReportFront {
	const w = wordsFor(locale);
	const [year, quarter] = data.quarter.key.split('-Q');
	return {
		title: documentText(data.title),
		issuer: documentText(data.issuer),
		date: reportDate(data.issuedOn, locale),
		lead: m.report_title_lead(
			{ quarter: m.trends_period_quarter({ year, quarter }, w.opt), region: documentText(data.region.name) },
			w.opt
		)
	};
}

/** A rate as a percentage with one decimal; 0 when nothing was due. */
export function reportingRate(r: { targets: number; onTime: number; late: number }): number {
	return r.targets > 0 ? Math.round(((r.onTime + r.late) / r.targets) * 1000) / 10 : 0;
}

/** What a move from `from` to `to` means in the indicator's own direction (lower is better by default). */
const meaningOf = (indicator: IndicatorKey, from: number, to: number) =>
	changeMeaning(indicatorDef(indicator)?.direction ?? 'lower', to - from);

function previousWord(w: Words, period: string | null): string {
	const kind = period ? parsePeriodKey(period).kind : 'custom';
	return kind === 'quarter'
		? m.report_previous_quarter({}, w.opt)
		: kind === 'month'
			? m.report_previous_month({}, w.opt)
			: m.report_previous_period({}, w.opt);
}

/** How far `to` moved from `from`: a relative change in %, or percentage points for rates. */
function relativeChange(w: Words, unit: IndicatorUnit, from: number, to: number): string {
	if (unit === 'percent') return m.report_percentage_points({ value: w.num(Math.abs(to - from)) }, w.opt);
	const pct = from === 0 ? null : (Math.abs(to - from) / Math.abs(from)) * 100;
	return pct === null ? w.withUnit(Math.abs(to - from), unit) : `${w.num(round1(pct))}%`;
}

/** Under 5% of the previous value (or under one percentage point for rates). */
export const SLIGHT_SHARE = 0.05;
function isSlight(unit: IndicatorUnit, from: number, to: number): boolean {
	if (unit === 'percent') return Math.abs(to - from) < 1;
	return from !== 0 && Math.abs(to - from) / Math.abs(from) < SLIGHT_SHARE;
}

function absoluteChange(w: Words, unit: IndicatorUnit, from: number, to: number): string {
	const d = Math.abs(to - from);
	return unit === 'percent' ? m.report_percentage_points({ value: w.num(d) }, w.opt) : w.withUnit(d, unit);
}

/**
 * One sentence about one indicator, e.g. 平均每个观测点外挂标牌 2.1 块，较基线（2024年第4季度）
 * 5.2 块下降 59.6%，较上季度持平。 Null when the indicator has no value this period.
 */
export function indicatorSentence(
	data: Pick<ReportData, 'period' | 'baselinePeriod' | 'previousPeriod'>,
	figure: IndicatorFigure,
	locale: ReportLocale
): string | null {
	const w = wordsFor(locale);
	const def = indicatorDef(figure.indicator);
	if (!def || figure.latest === null) return null;
	const unit = def.unit;
	const latest = figure.latest;
	const name = w.indicatorName(figure.indicator);
	const value = w.withUnit(latest, unit);
	const parts = [
		unit === 'percent' ? m.report_mean_rate({ name, value }, w.opt) : m.report_mean_is({ name, value }, w.opt)
	];
	let meaning: 'better' | 'worse' | 'same' | null = null;
	if (figure.baseline !== null && data.baselinePeriod && data.baselinePeriod !== data.period) {
		const b = figure.baseline;
		const period = w.period(data.baselinePeriod);
		const from = w.withUnit(b, unit);
		const change = relativeChange(w, unit, b, latest);
		const delta = round1(latest - b);
		parts.push(
			delta === 0
				? m.report_vs_baseline_same({ period }, w.opt)
				: delta < 0
					? m.report_vs_baseline_down({ period, from, change }, w.opt)
					: m.report_vs_baseline_up({ period, from, change }, w.opt)
		);
		meaning = meaningOf(figure.indicator, b, latest);
	}
	if (figure.previous !== null && data.previousPeriod) {
		const p = figure.previous;
		const previous = previousWord(w, data.previousPeriod);
		const change = absoluteChange(w, unit, p, latest);
		const delta = round1(latest - p);
		// A mean that moved by a few per cent has not turned; a cancelled thing that came back has.
		const slight = !def.cancelled && delta !== 0 && isSlight(unit, p, latest);
		parts.push(
			delta === 0
				? m.report_vs_previous_same({ previous }, w.opt)
				: slight
					? m.report_vs_previous_slight({ previous, change: formatSigned(delta, locale) }, w.opt)
					: delta < 0
						? m.report_vs_previous_down({ previous, change }, w.opt)
						: m.report_vs_previous_up({ previous, change }, w.opt)
		);
		// The latest move says where it is heading; a flat quarter says nothing new.
		meaning = slight ? null : meaningOf(figure.indicator, p, latest);
		if (meaning === 'same') meaning = null;
	}
	if (meaning === 'better') parts.push(m.report_trend_better({}, w.opt));
	if (meaning === 'worse') parts.push(m.report_trend_worse({}, w.opt));
	if (figure.rebounding > 0) parts.push(m.report_points_rebounding({ count: figure.rebounding }, w.opt));
	return w.sentences(parts);
}

/** The names of the regions between the report's region and a point, e.g. 兴庆区凤凰北街街道. */
function areaOf(data: ReportData, code: string): string {
	const from = (levelOfCode(data.region.code) ?? 0) + 1;
	const names: string[] = [];
	for (let level = Math.max(from, 3); level <= 4; level++) {
		const name = data.regionNames[code.slice(0, lengthByLevel[level])];
		if (name) names.push(documentText(name));
	}
	return names.join('');
}

/** The child region of the report's region a point belongs to, by name (the point itself at a township). */
function childNameOf(data: ReportData, code: string, pointName: string): string {
	const level = levelOfCode(data.region.code) ?? 0;
	if (level >= 4) return documentText(pointName);
	const child = code.slice(0, lengthByLevel[level + 1]);
	return documentText(
		data.childTables.find((c) => c.code === child)?.name ??
			data.reportingByChild.find((c) => c.code === child)?.name ??
			data.regionNames[child] ??
			child
	);
}

const DASH = '—';

class Numbering {
	tables = 0;
	figures = 0;
}

export function reportSections(data: ReportData, locale: ReportLocale): ReportSection[] {
	const w = wordsFor(locale);
	const n = new Numbering();
	const make = (
		key: ReportSectionKey,
		title: string,
		blocks: ReportBlock[],
		index: number
	): ReportSection => {
		const number = w.zh ? `${chineseNumber(index)}、` : `${index}.`;
		return { key, number, title, heading: w.zh ? `${number}${title}` : `${number} ${title}`, blocks };
	};
	const parts: [ReportSectionKey, string, ReportBlock[]][] = [
		['overview', m.report_section_overview({}, w.opt), overview(data, w)],
		['indicators', m.report_section_indicators({}, w.opt), indicators(data, w, n)],
		['reporting', m.report_section_reporting({}, w.opt), reporting(data, w, n)],
		['regions', m.report_section_regions({}, w.opt), regions(data, w, n)],
		['rebounds', m.report_section_rebounds({}, w.opt), rebounds(data, w, n)],
		['burdens', m.report_section_burdens({}, w.opt), burdens(data, w)],
		['next', m.report_section_next({}, w.opt), nextSteps(data, w)]
	];
	return parts.map(([key, title, blocks], i) => make(key, title, blocks, i + 1));
}

const para = (text: string): ReportBlock => ({ kind: 'paragraph', text });

function overview(data: ReportData, w: Words): ReportBlock[] {
	const blocks: ReportBlock[] = [];
	const r = data.reporting;
	if (!r) blocks.push(para(m.report_reporting_none({}, w.opt)));
	else {
		const figures = {
			targets: w.num(r.targets),
			onTime: w.num(r.onTime),
			late: w.num(r.late),
			missing: w.num(r.missing),
			accepted: w.num(r.accepted),
			rate: w.num(reportingRate(r))
		};
		const rounds = r.rounds.map((round) => documentText(round));
		blocks.push(
			para(
				rounds.length === 1
					? m.report_reporting_one({ round: rounds[0], ...figures }, w.opt)
					: m.report_reporting_many(
							{ count: rounds.length, rounds: rounds.join(w.zh ? '、' : ', '), ...figures },
							w.opt
						)
			)
		);
	}
	if (!data.period || data.overall.points === 0) {
		blocks.push(para(m.report_overall_none({}, w.opt)));
		return blocks;
	}
	blocks.push(
		para(
			m.report_overall(
				{
					period: w.period(data.period),
					points: w.num(data.overall.points),
					holding: w.num(data.overall.holding),
					rebounding: w.num(data.overall.rebounding)
				},
				w.opt
			)
		)
	);
	const sentences = KEY_INDICATORS.map((key) => data.indicators.find((f) => f.indicator === key))
		.filter((f): f is IndicatorFigure => !!f && f.latest !== null)
		.slice(0, 5)
		.map((f) => indicatorSentence(data, f, w.opt.locale))
		.filter((s): s is string => !!s);
	for (const s of sentences) blocks.push(para(s));
	return blocks;
}

const fmt = (w: Words, v: number | null) => (v === null ? DASH : w.num(v));

function indicators(data: ReportData, w: Words, n: Numbering): ReportBlock[] {
	const withData = data.indicators.filter(
		(f) => f.latest !== null || f.previous !== null || f.baseline !== null
	);
	if (!data.period || withData.length === 0) return [para(m.report_indicators_none({}, w.opt))];
	const table = ++n.tables;
	const blocks: ReportBlock[] = [
		para(m.report_indicators_intro({ period: w.period(data.period), table }, w.opt))
	];
	const rows = data.indicators.map((f) => {
		const def = indicatorDef(f.indicator)!;
		const vsPrevious =
			f.latest !== null && f.previous !== null ? formatSigned(f.latest - f.previous, w.opt.locale) : DASH;
		let vsBaseline = DASH;
		if (f.latest !== null && f.baseline !== null) {
			if (def.unit === 'percent') vsBaseline = formatSigned(f.latest - f.baseline, w.opt.locale);
			else {
				const pct = percentChange(f.baseline, f.latest);
				vsBaseline = pct === null ? DASH : `${formatSigned(pct, w.opt.locale)}%`;
			}
		}
		return [
			w.indicatorName(f.indicator),
			w.unitName(def.unit),
			fmt(w, f.latest),
			fmt(w, f.previous),
			fmt(w, f.baseline),
			vsPrevious,
			vsBaseline,
			f.latest === null ? DASH : w.num(f.rebounding)
		];
	});
	blocks.push({
		kind: 'table',
		id: 'indicators',
		caption: m.report_table_caption({ number: table, title: m.report_table_indicators({}, w.opt) }, w.opt),
		table: {
			columns: [
				{ label: m.report_col_indicator({}, w.opt), align: 'left', weight: 3.4 },
				{ label: m.report_col_unit({}, w.opt), align: 'center', weight: 0.9 },
				{ label: m.report_col_latest({}, w.opt), align: 'right', weight: 1.1 },
				{ label: m.report_col_previous({}, w.opt), align: 'right', weight: 1.1 },
				{ label: m.report_col_baseline({}, w.opt), align: 'right', weight: 1.1 },
				{ label: m.report_col_vs_previous({}, w.opt), align: 'right', weight: 1.3 },
				{ label: m.report_col_vs_baseline({}, w.opt), align: 'right', weight: 1.3 },
				{ label: m.report_col_rebounding({}, w.opt), align: 'right', weight: 1.6 }
			],
			rows
		}
	});

	const charts = trendCharts(data, w);
	if (charts.length) {
		const first = n.figures + 1;
		blocks.push(para(m.report_charts_intro({ from: first, to: first + charts.length - 1 }, w.opt)));
		for (const c of charts) {
			const number = ++n.figures;
			blocks.push({
				kind: 'chart',
				id: c.id,
				caption: m.report_figure_caption({ number, title: c.chart.spec.title }, w.opt),
				chart: c.chart
			});
		}
	}
	return blocks;
}

/** Three charts: signboards (块), the meeting-and-form burden (次), the compliance rate (%). */
function trendCharts(data: ReportData, w: Words): { id: string; chart: ReportChart }[] {
	const groups: { id: string; title: string; unit: IndicatorUnit; keys: IndicatorKey[] }[] = [
		{
			id: 'chart-signboards',
			title: m.report_chart_signboards({}, w.opt),
			unit: 'plates',
			keys: ['signboards_exterior', 'signboards_cancelled_hung']
		},
		{
			id: 'chart-burdens',
			title: m.report_chart_burdens({}, w.opt),
			unit: 'times',
			keys: ['meetings_attended', 'data_requests', 'inspections_received']
		},
		{
			id: 'chart-compliance',
			title: m.report_chart_compliance({}, w.opt),
			unit: 'percent',
			keys: ['compliance_rate']
		}
	];
	const shown = data.view.shown;
	if (shown.length === 0) return [];
	const labels = shown.map((p) => w.period(p.key));
	const baselineIndex = data.baselinePeriod ? shown.findIndex((p) => p.key === data.baselinePeriod) : -1;
	const out: { id: string; chart: ReportChart }[] = [];
	for (const g of groups) {
		const series = g.keys
			.map((key) => {
				const trend = data.view.trends.find((t) => t.indicator === key);
				if (!trend) return null;
				const byPeriod = new Map(trend.values.map((v) => [v.period, v.value]));
				const values = shown.map((p) => byPeriod.get(p.key) ?? null);
				return values.some((v) => v !== null) ? { name: w.indicatorName(key), values } : null;
			})
			.filter((s): s is { name: string; values: (number | null)[] } => s !== null);
		if (series.length === 0) continue;
		out.push({
			id: g.id,
			chart: {
				type: 'line',
				spec: {
					title: g.title,
					labels,
					series,
					unit: w.unitName(g.unit),
					locale: w.opt.locale,
					baselineIndex: baselineIndex >= 0 ? baselineIndex : null
				}
			}
		});
	}
	return out;
}

function reporting(data: ReportData, w: Words, n: Numbering): ReportBlock[] {
	const rows = data.reportingByChild;
	if (!data.reporting || rows.length === 0) return [para(m.report_reporting_none({}, w.opt))];
	const table = n.tables + 1;
	const figure = n.figures + 1;
	const blocks: ReportBlock[] = [para(m.report_reporting_intro({ table, figure }, w.opt))];
	const incomplete = rows.filter((r) => r.late > 0 || r.missing > 0);
	if (incomplete.length === 0) blocks.push(para(m.report_reporting_all({}, w.opt)));
	else if (rows.length > 1) {
		const rates = rows.map(reportingRate);
		const [high, low] = [Math.max(...rates), Math.min(...rates)];
		const at = (rate: number) =>
			w.list(rows.filter((r) => reportingRate(r) === rate).map((r) => documentText(r.name)));
		if (high !== low)
			blocks.push(
				para(
					m.report_reporting_extremes(
						{ best: at(high), bestRate: w.num(high), worst: at(low), worstRate: w.num(low) },
						w.opt
					)
				)
			);
	}
	n.tables++;
	const atPoints = (levelOfCode(data.region.code) ?? 0) >= 4;
	blocks.push({
		kind: 'table',
		id: 'reporting',
		caption: m.report_table_caption({ number: table, title: m.report_table_reporting({}, w.opt) }, w.opt),
		table: {
			columns: [
				{
					label: atPoints ? m.report_col_point({}, w.opt) : m.report_col_region({}, w.opt),
					align: 'left',
					weight: 3
				},
				{ label: m.report_col_targets({}, w.opt), align: 'right', weight: 1 },
				{ label: m.report_col_on_time({}, w.opt), align: 'right', weight: 1 },
				{ label: m.report_col_late({}, w.opt), align: 'right', weight: 1 },
				{ label: m.report_col_missing({}, w.opt), align: 'right', weight: 1 },
				{ label: m.report_col_rate({}, w.opt), align: 'right', weight: 1.2 },
				{ label: m.report_col_accepted({}, w.opt), align: 'right', weight: 1.1 }
			],
			rows: rows.map((r) => [
				documentText(r.name),
				w.num(r.targets),
				w.num(r.onTime),
				w.num(r.late),
				w.num(r.missing),
				`${w.num(reportingRate(r))}%`,
				w.num(r.accepted)
			])
		}
	});
	n.figures++;
	blocks.push({
		kind: 'chart',
		id: 'chart-reporting',
		caption: m.report_figure_caption({ number: figure, title: m.report_chart_reporting({}, w.opt) }, w.opt),
		chart: {
			type: 'bar',
			spec: {
				title: m.report_chart_reporting({}, w.opt),
				labels: rows.map((r) => documentText(r.name)),
				unit: m.report_chart_reporting_unit({}, w.opt),
				locale: w.opt.locale,
				stacked: true,
				series: [
					{ name: m.report_col_on_time({}, w.opt), values: rows.map((r) => r.onTime), color: '#0072B2' },
					{ name: m.report_col_late({}, w.opt), values: rows.map((r) => r.late), color: '#E69F00' },
					{ name: m.report_col_missing({}, w.opt), values: rows.map((r) => r.missing), color: '#BDBDBD' }
				]
			}
		}
	});
	return blocks;
}

function regions(data: ReportData, w: Words, n: Numbering): ReportBlock[] {
	const children = data.childTables;
	if (children.length === 0 || !data.period) return [para(m.report_regions_none({}, w.opt))];
	const atPoints = children.some((c) => c.pointId !== null);
	const statusOf = (c: (typeof children)[number]) =>
		c.pointId !== null
			? c.rebounding > 0
				? m.report_status_rebounding({}, w.opt)
				: m.report_status_holding({}, w.opt)
			: m.report_status_counts({ holding: w.num(c.holding), rebounding: w.num(c.rebounding) }, w.opt);

	if (children.length > MAX_CHILD_TABLES) {
		const table = ++n.tables;
		const keys = KEY_INDICATORS;
		const heading = (key: IndicatorKey) => {
			const unit = indicatorDef(key)!.unit;
			return `${w.indicatorName(key)}${w.zh ? `（${w.unitName(unit)}）` : ` (${w.unitName(unit)})`}`;
		};
		return [
			para(
				atPoints
					? m.report_regions_intro_points({ table }, w.opt)
					: m.report_regions_intro_regions({ table }, w.opt)
			),
			{
				kind: 'table',
				id: 'regions',
				caption: m.report_table_caption(
					{
						number: table,
						title: atPoints
							? m.report_table_children_points({}, w.opt)
							: m.report_table_children_regions({}, w.opt)
					},
					w.opt
				),
				table: {
					columns: [
						{
							label: atPoints ? m.report_col_point({}, w.opt) : m.report_col_region({}, w.opt),
							align: 'left',
							weight: 3
						},
						...keys.map((key) => ({ label: heading(key), align: 'right' as const, weight: 1.2 })),
						{ label: m.report_col_status({}, w.opt), align: 'center', weight: atPoints ? 1 : 1.8 }
					],
					rows: children.map((c) => [
						documentText(c.name),
						...keys.map((key) => fmt(w, c.figures.find((f) => f.indicator === key)?.latest ?? null)),
						statusOf(c)
					])
				}
			}
		];
	}

	const blocks: ReportBlock[] = [];
	children.forEach((c, i) => {
		const name = documentText(c.name);
		blocks.push({
			kind: 'subheading',
			text: w.zh ? `（${chineseNumber(i + 1)}）${name}` : `(${String.fromCharCode(97 + (i % 26))}) ${name}`
		});
		const reboundingIndicators = c.figures.filter((f) => f.rebounding > 0).length;
		blocks.push(
			para(
				c.pointId !== null
					? reboundingIndicators > 0
						? m.report_point_rebounding({ name, count: reboundingIndicators }, w.opt)
						: m.report_point_holding({ name }, w.opt)
					: m.report_region_summary(
							{ name, holding: w.num(c.holding), rebounding: w.num(c.rebounding) },
							w.opt
						)
			)
		);
		const rows = c.figures
			.filter((f) => f.latest !== null || f.previous !== null || f.baseline !== null)
			.map((f) => {
				const def = indicatorDef(f.indicator)!;
				let vsBaseline = DASH;
				if (f.latest !== null && f.baseline !== null) {
					if (def.unit === 'percent') vsBaseline = formatSigned(f.latest - f.baseline, w.opt.locale);
					else {
						const pct = percentChange(f.baseline, f.latest);
						vsBaseline = pct === null ? DASH : `${formatSigned(pct, w.opt.locale)}%`;
					}
				}
				return [
					`${w.indicatorName(f.indicator)}${w.zh ? `（${w.unitName(def.unit)}）` : ` (${w.unitName(def.unit)})`}`,
					fmt(w, f.latest),
					fmt(w, f.previous),
					fmt(w, f.baseline),
					vsBaseline,
					c.pointId !== null
						? f.rebounding > 0
							? m.report_status_rebounding({}, w.opt)
							: f.latest === null
								? DASH
								: m.report_status_holding({}, w.opt)
						: w.num(f.rebounding)
				];
			});
		if (rows.length === 0) return;
		const table = ++n.tables;
		blocks.push({
			kind: 'table',
			id: `region-${c.code}`,
			caption: m.report_table_caption(
				{ number: table, title: m.report_table_region({ name }, w.opt) },
				w.opt
			),
			table: {
				columns: [
					{ label: m.report_col_indicator({}, w.opt), align: 'left', weight: 4 },
					{ label: m.report_col_latest({}, w.opt), align: 'right', weight: 1.2 },
					{ label: m.report_col_previous({}, w.opt), align: 'right', weight: 1.2 },
					{ label: m.report_col_baseline({}, w.opt), align: 'right', weight: 1.2 },
					{ label: m.report_col_vs_baseline({}, w.opt), align: 'right', weight: 1.3 },
					{
						label: c.pointId !== null ? m.report_col_status({}, w.opt) : m.report_col_rebounding({}, w.opt),
						align: 'right',
						weight: 1.3
					}
				],
				rows
			}
		});
	});
	return blocks;
}

function rebounds(data: ReportData, w: Words, n: Numbering): ReportBlock[] {
	// Each rebounding point once, with the indicators the rule flagged and why.
	const list = data.rebounds.filter((r) => r.status === 'rebounding');
	const watched = data.rebounds.length - list.length;
	if (list.length === 0) return [para(m.report_rebounds_none({}, w.opt))];
	const byIndicator = new Map<string, number>();
	for (const r of list)
		for (const f of r.flags)
			if (f.status === 'rebounding') byIndicator.set(f.indicator, (byIndicator.get(f.indicator) ?? 0) + 1);
	const order = INDICATORS.map((d) => d.key as string);
	const top = [...byIndicator.entries()]
		.sort((a, b) => b[1] - a[1] || order.indexOf(a[0]) - order.indexOf(b[0]))
		.map(([key, count]) => m.report_indicator_count({ name: w.indicatorName(key), count }, w.opt));
	const table = ++n.tables;
	const blocks: ReportBlock[] = [
		para(
			m.report_rebounds_intro(
				{
					period: w.period(data.period),
					points: w.num(list.length),
					watched: w.num(watched),
					indicators: w.list(top),
					table
				},
				w.opt
			)
		)
	];
	const shown = list.slice(0, MAX_REBOUND_ROWS);
	if (list.length > shown.length)
		blocks.push(
			para(m.report_rebounds_more({ shown: shown.length, rest: list.length - shown.length }, w.opt))
		);
	const showArea = (levelOfCode(data.region.code) ?? 0) < 4;
	blocks.push({
		kind: 'table',
		id: 'rebounds',
		caption: m.report_table_caption({ number: table, title: m.report_table_rebounds({}, w.opt) }, w.opt),
		table: {
			columns: [
				{ label: m.report_col_no({}, w.opt), align: 'center', weight: 0.9 },
				{ label: m.report_col_point({}, w.opt), align: 'left', weight: 2.2 },
				...(showArea ? [{ label: m.report_col_area({}, w.opt), align: 'left' as const, weight: 2.4 }] : []),
				{ label: m.report_col_indicator({}, w.opt), align: 'left', weight: 2.2 },
				{ label: m.report_col_reason({}, w.opt), align: 'left', weight: 5 }
			],
			rows: shown.map((r, i) => {
				const flags = r.flags.filter((f) => f.status === 'rebounding');
				return [
					String(i + 1),
					documentText(r.pointName),
					...(showArea ? [areaOf(data, r.regionCode)] : []),
					w.list(flags.map((f) => w.indicatorName(f.indicator))),
					flags
						.map(
							(f) =>
								`${w.indicatorName(f.indicator)}${w.zh ? '：' : ': '}${explainFlag(f, indicatorDef(f.indicator)!, w.opt.locale)}`
						)
						.join(w.zh ? '' : ' ')
				];
			})
		}
	});
	return blocks;
}

function burdens(data: ReportData, w: Words): ReportBlock[] {
	const notes = data.burdens.map((b) => ({ ...b, text: documentText(b.text) })).filter((b) => b.text !== '');
	if (notes.length === 0) return [para(m.report_burdens_none({}, w.opt))];
	const blocks: ReportBlock[] = [para(m.report_burdens_intro({ count: w.num(notes.length) }, w.opt))];
	notes.slice(0, MAX_BURDENS).forEach((b, i) => {
		const area = areaOf(data, b.regionCode);
		const point = documentText(b.pointName);
		blocks.push(
			para(
				m.report_burden_item(
					{ number: i + 1, text: b.text, source: area ? `${area}${w.zh ? '' : ' '}${point}` : point },
					w.opt
				)
			)
		);
	});
	if (notes.length > MAX_BURDENS)
		blocks.push(para(m.report_burdens_more({ count: w.num(notes.length - MAX_BURDENS) }, w.opt)));
	return blocks;
}

function nextSteps(data: ReportData, w: Words): ReportBlock[] {
	const blocks: ReportBlock[] = [];
	if (data.rebounds.some((r) => r.status === 'rebounding')) {
		const places = new Map<string, number>();
		const kinds = new Map<string, number>();
		for (const r of data.rebounds) {
			if (r.status !== 'rebounding') continue;
			const place = childNameOf(data, r.regionCode, r.pointName);
			places.set(place, (places.get(place) ?? 0) + 1);
			for (const f of r.flags)
				if (f.status === 'rebounding') kinds.set(f.indicator, (kinds.get(f.indicator) ?? 0) + 1);
		}
		const byCount = (map: Map<string, number>) =>
			[...map.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
		blocks.push(
			para(
				m.report_next_rebounds(
					{
						places: w.list(byCount(places)),
						indicators: w.list(byCount(kinds).map((k) => w.indicatorName(k)))
					},
					w.opt
				)
			)
		);
	} else blocks.push(para(m.report_next_none({}, w.opt)));
	const behind = data.reportingByChild.filter((r) => r.late + r.missing > 0);
	if (behind.length) {
		const count = behind.reduce((s, r) => s + r.late + r.missing, 0);
		const sorted = [...behind].sort((a, b) => b.late + b.missing - (a.late + a.missing));
		blocks.push(
			para(
				m.report_next_reporting(
					{ places: w.list(sorted.map((r) => documentText(r.name))), count: w.num(count) },
					w.opt
				)
			)
		);
	}
	if (data.burdens.some((b) => documentText(b.text) !== ''))
		blocks.push(para(m.report_next_burdens({}, w.opt)));
	return blocks;
}
