// The dashboard's words: indicator names, units, period labels and the one-line summaries. The
// reports use the same names, units and labels with their own locale.
import type { IndicatorDef, IndicatorUnit, Status, TrendRule } from '$lib/domain/indicators';
import type { Reason, Sensitivity } from '$lib/domain/rebound';
import type { IndicatorTrend } from '$lib/domain/trend-view';
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime.js';
import { parsePeriodKey } from '../domain/periods';
import { formatNumber, formatSigned, MONTHS_SHORT_EN, percentChange, punctuation } from './format';

type Message = (inputs?: object, options?: { locale?: 'zh' | 'en' }) => string;
const lang = (locale: string) => ({ locale: locale === 'en' ? ('en' as const) : ('zh' as const) });

// Each indicator's message named, never looked up by a built key (that keeps every message of the
// app in the dashboard's bundle).
const indicatorNames: Record<string, Message> = {
	signboards_exterior: m.indicator_signboards_exterior,
	signboards_interior: m.indicator_signboards_interior,
	signboards_cancelled_hung: m.indicator_signboards_cancelled_hung,
	signboards_removed: m.indicator_signboards_removed,
	signboards_rehung: m.indicator_signboards_rehung,
	certificates_cancelled_issued: m.indicator_certificates_cancelled_issued,
	secondments_active: m.indicator_secondments_active,
	secondments_unapproved: m.indicator_secondments_unapproved,
	mechanisms_hosted: m.indicator_mechanisms_hosted,
	data_requests: m.indicator_data_requests,
	apps_required: m.indicator_apps_required,
	work_groups: m.indicator_work_groups,
	meetings_attended: m.indicator_meetings_attended,
	inspections_received: m.indicator_inspections_received,
	compliance_rate: m.indicator_compliance_rate
};

export function indicatorName(key: string, locale = getLocale()): string {
	const fn = indicatorNames[key];
	return fn ? fn({}, lang(locale)) : key;
}

const units: Record<IndicatorUnit, Message> = {
	plates: m.indicator_unit_plates,
	items: m.indicator_unit_items,
	people: m.indicator_unit_people,
	count: m.indicator_unit_count,
	times: m.indicator_unit_times,
	percent: m.indicator_unit_percent
};
export const unitName = (unit: IndicatorUnit, locale = getLocale()) => units[unit]({}, lang(locale));

/** `5.2 块`, `85%`. */
export function withUnit(value: number, unit: IndicatorUnit, locale = getLocale()): string {
	const n = formatNumber(value, locale);
	return unit === 'percent' ? `${n}%` : `${n} ${unitName(unit, locale)}`;
}

/** `2026-Q3` → 2026年第3季度 / 2026 Q3; `2026-03` → 2026年3月 / Mar 2026; custom keys as they are. */
export function periodLabel(key: string | null | undefined, locale = getLocale()): string {
	if (!key) return '';
	const p = parsePeriodKey(key);
	if (p.kind === 'quarter')
		return m.trends_period_quarter({ year: p.year, quarter: p.quarter }, lang(locale));
	if (p.kind === 'month') {
		const month = locale === 'zh' ? String(p.month) : MONTHS_SHORT_EN[p.month - 1];
		return m.trends_period_month({ year: p.year, month }, lang(locale));
	}
	return p.key;
}

/**
 * The chart's one line: 平均每点位 外挂标牌：基线 2024年第4季度 5.2 块 → 2026年第3季度 2.1 块（−60%），
 * 较上期 +0.3；2 个点位反弹.
 */
export function trendSummary(t: IndicatorTrend, scope: 'region' | 'point', locale = getLocale()): string {
	const p = punctuation(locale);
	const name = indicatorName(t.indicator);
	const subject = scope === 'region' ? m.trends_mean_of({ name }) : name;
	if (!t.latest) return `${subject}${p.colon}${m.trends_no_data()}`;
	let text = subject + p.colon;
	const latest = `${periodLabel(t.latest.period, locale)} ${withUnit(t.latest.value, t.unit, locale)}`;
	if (t.baseline && t.baseline.period !== t.latest.period) {
		text += `${m.trends_summary_baseline({
			period: periodLabel(t.baseline.period, locale),
			value: withUnit(t.baseline.value, t.unit, locale)
		})} → ${latest}`;
		const change =
			t.unit === 'percent'
				? m.trends_pp({ value: formatSigned(t.latest.value - t.baseline.value, locale) })
				: (() => {
						const pct = percentChange(t.baseline.value, t.latest.value);
						return pct === null ? null : `${formatSigned(pct, locale)}%`;
					})();
		if (change) text += locale === 'zh' ? `（${change}）` : ` (${change})`;
	} else {
		text += latest;
	}
	if (t.previous) {
		text +=
			p.comma + m.trends_summary_previous({ delta: formatSigned(t.latest.value - t.previous.value, locale) });
	}
	if (scope === 'region') {
		text +=
			p.semi +
			(t.rebounding > 0
				? m.trends_summary_rebounding({ count: t.rebounding })
				: m.trends_summary_none_rebounding());
	} else if (t.rebounding > 0 || t.holding > 0) {
		text +=
			p.semi + (t.rebounding > 0 ? m.trends_summary_point_rebounding() : m.trends_summary_point_holding());
	}
	return text;
}

/** What the rule saw, in one sentence with the numbers (the dashboard, the API, the reports). */
export interface Explained {
	reason: Reason | null;
	value: number;
	level: number | null;
	upper: number | null;
	recent: number | null;
	span: number;
}

export function explainFlag(
	r: Explained,
	def: Pick<IndicatorDef, 'unit' | 'direction'>,
	locale = getLocale()
): string {
	const o = lang(locale);
	const v = (n: number | null) => withUnit(n ?? 0, def.unit, locale);
	const higher = def.direction === 'higher';
	switch (r.reason) {
		case 'sustained':
			return (higher ? m.rule_explain_sustained_low : m.rule_explain_sustained)(
				{ span: r.span, recent: v(r.recent), level: v(r.level), upper: v(r.upper) },
				o
			);
		case 'spike':
			return (higher ? m.rule_explain_spike_low : m.rule_explain_spike)(
				{ value: v(r.value), level: v(r.level), upper: v(r.upper) },
				o
			);
		case 'event':
			return m.rule_explain_event({ value: v(r.value), level: v(r.level) }, o);
		case 'event_clear':
			return m.rule_explain_event_clear({ value: v(r.value), level: v(r.level) }, o);
		case 'within':
			return (higher ? m.rule_explain_within_low : m.rule_explain_within)(
				{ value: v(r.value), level: v(r.level), upper: v(r.upper) },
				o
			);
		case 'start':
			return m.rule_explain_start({}, o);
		case 'missing':
			return m.rule_explain_missing({}, o);
		default:
			return m.rule_explain_before({}, o);
	}
}

export const statusName = (s: Status | null, locale = getLocale()) =>
	s === 'rebounding'
		? m.trends_status_rebounding({}, lang(locale))
		: s === 'watch'
			? m.trends_status_watch({}, lang(locale))
			: s === 'holding'
				? m.trends_status_holding({}, lang(locale))
				: m.trends_status_none({}, lang(locale));

// ---- The rule's words -----------------------------------------------------------------------
// Shared by the explanation (/trends/rule) and the admin form (/admin/trend-rule).

const sensitivityNames: Record<Sensitivity, () => string> = {
	sensitive: m.trends_rule_sensitivity_sensitive,
	standard: m.trends_rule_sensitivity_standard,
	robust: m.trends_rule_sensitivity_robust
};
const sensitivityMeanings: Record<Sensitivity, () => string> = {
	sensitive: m.trends_rule_sensitivity_sensitive_desc,
	standard: m.trends_rule_sensitivity_standard_desc,
	robust: m.trends_rule_sensitivity_robust_desc
};

export const sensitivityName = (s: Sensitivity) => sensitivityNames[s]();
export const sensitivityMeaning = (s: Sensitivity) => sensitivityMeanings[s]();

/** 基线期 2025年第1季度，灵敏度“标准”. */
export const ruleSummary = (rule: TrendRule) =>
	m.trends_rule_summary({
		baseline: rule.baselinePeriod ? periodLabel(rule.baselinePeriod) : m.trends_rule_baseline_each_option(),
		sensitivity: sensitivityName(rule.sensitivity)
	});
