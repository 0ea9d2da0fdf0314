// The indicators the reform office watches, and the rule that says whether a reduction holds.
// Pure, so the kept totals, the dashboard, the reports and the tests all apply the same rule.
import { complianceRate, type Answers, type ChecklistDefinition } from './checklist';
import type { PeriodKind } from './periods';
import {
	judgeSeries,
	SENSITIVITIES,
	type Judgement,
	type PooledSpread,
	type Reason,
	type SeriesPoint,
	type Sensitivity,
	type Status
} from './rebound';

export type { Status } from './rebound';

export type Direction = 'lower' | 'higher';
export type IndicatorUnit = 'plates' | 'items' | 'people' | 'count' | 'times' | 'percent';

export interface IndicatorDef {
	key: string;
	unit: IndicatorUnit;
	direction: Direction;
	/** A count of things the reform cancelled: any worsening is a rebound by default. */
	cancelled: boolean;
	/** Read from the registers as of the period's last day, or from the accepted answers. */
	source: 'register' | 'answer';
}

export const INDICATORS = [
	{ key: 'signboards_exterior', unit: 'plates', direction: 'lower', cancelled: false, source: 'register' },
	{ key: 'signboards_interior', unit: 'plates', direction: 'lower', cancelled: false, source: 'register' },
	{
		key: 'signboards_cancelled_hung',
		unit: 'plates',
		direction: 'lower',
		cancelled: true,
		source: 'register'
	},
	{ key: 'signboards_removed', unit: 'plates', direction: 'higher', cancelled: false, source: 'register' },
	{ key: 'signboards_rehung', unit: 'plates', direction: 'lower', cancelled: true, source: 'register' },
	{
		key: 'certificates_cancelled_issued',
		unit: 'items',
		direction: 'lower',
		cancelled: true,
		source: 'register'
	},
	{ key: 'secondments_active', unit: 'people', direction: 'lower', cancelled: false, source: 'register' },
	{ key: 'secondments_unapproved', unit: 'people', direction: 'lower', cancelled: true, source: 'register' },
	{ key: 'mechanisms_hosted', unit: 'count', direction: 'lower', cancelled: false, source: 'answer' },
	{ key: 'data_requests', unit: 'times', direction: 'lower', cancelled: false, source: 'answer' },
	{ key: 'apps_required', unit: 'count', direction: 'lower', cancelled: false, source: 'answer' },
	{ key: 'work_groups', unit: 'count', direction: 'lower', cancelled: false, source: 'answer' },
	{ key: 'meetings_attended', unit: 'times', direction: 'lower', cancelled: false, source: 'answer' },
	{ key: 'inspections_received', unit: 'times', direction: 'lower', cancelled: false, source: 'answer' },
	{ key: 'compliance_rate', unit: 'percent', direction: 'higher', cancelled: false, source: 'answer' }
] as const satisfies readonly IndicatorDef[];

export type IndicatorKey = (typeof INDICATORS)[number]['key'];
/** A point's overall standing: rebounding when any indicator is. Its value is how many are. */
export const OVERALL = 'overall';
export type KeptIndicator = IndicatorKey | typeof OVERALL;

const byKey = new Map<string, IndicatorDef>(INDICATORS.map((d) => [d.key, d]));
export const indicatorDef = (key: string): IndicatorDef | undefined => byKey.get(key);
export const isIndicatorKey = (key: string): key is IndicatorKey => byKey.has(key);

export interface TrendRule {
	/** The period reductions are measured from; null means each series' first period. */
	baselinePeriod: string | null;
	/** How readily a rise counts as a rebound (see rebound.ts). */
	sensitivity: Sensitivity;
	/**
	 * Each counted indicator's spread over all points, by `spreadKey`: read from the figures in
	 * force when a rebuild starts, not chosen by anyone. Missing: each point's own, as before.
	 */
	spreads?: Record<string, PooledSpread>;
}

export const DEFAULT_TREND_RULE: TrendRule = { baselinePeriod: null, sensitivity: 'standard' };

/** The indicators whose spread is pooled: counts that are judged as statistics, not events. */
export const POOLED_INDICATORS: readonly IndicatorKey[] = INDICATORS.filter(
	(d) => !d.cancelled && d.unit !== 'percent'
).map((d) => d.key);

export const spreadKey = (indicator: string, kind: PeriodKind) => `${indicator}:${kind}`;

function spreadsOf(raw: unknown): Record<string, PooledSpread> | undefined {
	if (raw === null || typeof raw !== 'object') return undefined;
	const out: Record<string, PooledSpread> = {};
	for (const [key, v] of Object.entries(raw as Record<string, unknown>)) {
		const s = v as Partial<PooledSpread> | null;
		if (s && Number.isFinite(s.dispersion) && s.dispersion! >= 1 && Number.isFinite(s.steps) && s.steps! > 0)
			out[key] = { dispersion: s.dispersion!, steps: s.steps! };
	}
	return Object.keys(out).length ? out : undefined;
}

/** A stored rule as the rule it means: anything unknown or missing falls back to the default. */
export function trendRuleOf(raw: unknown): TrendRule {
	if (raw === null || typeof raw !== 'object') return { ...DEFAULT_TREND_RULE };
	const r = raw as Partial<Record<keyof TrendRule, unknown>>;
	const spreads = spreadsOf(r.spreads);
	return {
		baselinePeriod: typeof r.baselinePeriod === 'string' ? r.baselinePeriod : null,
		sensitivity: SENSITIVITIES.includes(r.sensitivity as Sensitivity)
			? (r.sensitivity as Sensitivity)
			: DEFAULT_TREND_RULE.sensitivity,
		...(spreads ? { spreads } : {})
	};
}

/** How much worse `value` is than `reference`, in the indicator's own direction (≤ 0: not worse). */
export function worsening(def: Pick<IndicatorDef, 'direction'>, value: number, reference: number): number {
	return def.direction === 'lower' ? value - reference : reference - value;
}

// ---- Periods ---------------------------------------------------------------------------------

export interface PeriodRef {
	kind: PeriodKind;
	start: string;
	end: string;
}

/** `2026-03`, `2026-Q1`, or `2026-01-05~2026-02-10` for a custom period. */
export function periodKeyOf(p: PeriodRef): string {
	if (p.kind === 'month') return p.start.slice(0, 7);
	if (p.kind === 'quarter') return `${p.start.slice(0, 4)}-Q${Math.ceil(Number(p.start.slice(5, 7)) / 3)}`;
	return `${p.start}~${p.end}`;
}

// ---- Register figures as of a period --------------------------------------------------------

export interface RegisterData {
	/** Every signboard event of the point, oldest first (by date, then by record order). */
	boardEvents: {
		signboardId: number;
		placement: 'exterior' | 'interior' | 'wall';
		categoryStatus: 'cancelled' | 'kept';
		kind: 'hung' | 'removed' | 'rehung';
		onDate: string;
	}[];
	certificateCounts: { periodStart: string; periodEnd: string; issued: number; cancelled: boolean }[];
	secondments: { startDate: string; returnDate: string | null; approved: boolean }[];
}

export type RegisterIndicatorKey = Extract<(typeof INDICATORS)[number], { source: 'register' }>['key'];

/** The registers as of a period's last day, so an old period keeps its own picture. */
export function registerValues(
	data: RegisterData,
	period: { start: string; end: string }
): Record<RegisterIndicatorKey, number> {
	const latest = new Map<number, RegisterData['boardEvents'][number]>();
	let rehung = 0;
	for (const e of data.boardEvents) {
		if (e.onDate > period.end) break;
		latest.set(e.signboardId, e);
		// Hanging a kept (规范保留) plate again is no burden; a cancelled one is a rebound.
		if (e.kind === 'rehung' && e.categoryStatus === 'cancelled' && e.onDate >= period.start) rehung++;
	}
	let exterior = 0;
	let interior = 0;
	let cancelledHung = 0;
	let removed = 0;
	for (const e of latest.values()) {
		if (e.kind === 'removed') {
			removed++;
			continue;
		}
		if (e.categoryStatus === 'cancelled') cancelledHung++;
		if (e.placement === 'exterior') exterior++;
		else interior++;
	}
	let issued = 0;
	for (const c of data.certificateCounts) {
		if (c.cancelled && c.periodStart >= period.start && c.periodEnd <= period.end) issued += c.issued;
	}
	let active = 0;
	let unapproved = 0;
	for (const s of data.secondments) {
		if (s.startDate > period.end || (s.returnDate !== null && s.returnDate <= period.end)) continue;
		active++;
		if (!s.approved) unapproved++;
	}
	return {
		signboards_exterior: exterior,
		signboards_interior: interior,
		signboards_cancelled_hung: cancelledHung,
		signboards_removed: removed,
		signboards_rehung: rehung,
		certificates_cancelled_issued: issued,
		secondments_active: active,
		secondments_unapproved: unapproved
	};
}

/** An answer indicator's value from an accepted submission; null when it was not answered. */
export function answerValue(
	key: IndicatorKey,
	answers: Answers,
	definition: ChecklistDefinition | null
): number | null {
	if (key === 'compliance_rate') {
		const rate = definition ? complianceRate(definition, answers) : null;
		return rate === null ? null : Math.round(rate * 1000) / 10;
	}
	const v = answers[key];
	return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

// ---- A point's whole standing ----------------------------------------------------------------

export interface PeriodInput extends PeriodRef {
	key: string;
	/** The accepted submission of the period, if any. */
	submission: { id: number; answers: Answers; definition: ChecklistDefinition | null } | null;
}

/** A kept row: the rule's judgement of one indicator (overall rows have no reason of their own). */
export interface PointIndicatorRow extends Pick<
	Judgement,
	'period' | 'status' | 'level' | 'upper' | 'recent' | 'span' | 'history'
> {
	indicator: KeptIndicator;
	value: number;
	reason: Reason | null;
	/** Overall rows: the status under each sensitivity, as one letter each (h, w, r, -). */
	statuses: string | null;
	submissionId: number | null;
}

const LETTER: Record<Status, string> = { holding: 'h', watch: 'w', rebounding: 'r' };
export const statusLetter = (s: Status | null) => (s ? LETTER[s] : '-');
export const statusOfLetter = (c: string | undefined): Status | null =>
	c === 'h' ? 'holding' : c === 'w' ? 'watch' : c === 'r' ? 'rebounding' : null;

/** A point's standing over its indicators: rebounding when any is, watch when any is. */
function overallOf(statuses: (Status | null)[]): Status | null {
	if (statuses.includes('rebounding')) return 'rebounding';
	if (statuses.includes('watch')) return 'watch';
	return statuses.includes('holding') ? 'holding' : null;
}

/**
 * Every indicator of one point for every period it was asked about, judged by the rule. Periods
 * of different kinds (monthly, quarterly) are separate series: a month's meetings are not compared
 * with a quarter's. The overall row also carries the point's standing under each sensitivity.
 */
export function pointIndicatorRows(
	periods: PeriodInput[],
	registers: RegisterData,
	rule: TrendRule,
	baselineStartDate: string | null
): PointIndicatorRow[] {
	const rows: PointIndicatorRow[] = [];
	const kinds = new Set(periods.map((p) => p.kind));
	// Every sensitivity is judged: the overall row keeps each, for the admin's preview.
	const current = SENSITIVITIES.indexOf(rule.sensitivity);
	for (const kind of kinds) {
		const ofKind = periods.filter((p) => p.kind === kind).sort((a, b) => a.end.localeCompare(b.end));
		const registerByPeriod = ofKind.map((p) => registerValues(registers, p));
		// Per period: the statuses of every indicator, under each sensitivity.
		const standing = ofKind.map(() => SENSITIVITIES.map(() => [] as (Status | null)[]));
		const rebounds = ofKind.map(() => 0);
		for (const def of INDICATORS) {
			const series: SeriesPoint[] = ofKind.map((p, i) => ({
				period: p.key,
				afterBaseline: baselineStartDate === null || p.start >= baselineStartDate,
				value:
					def.source === 'register'
						? registerByPeriod[i][def.key as RegisterIndicatorKey]
						: p.submission
							? answerValue(def.key, p.submission.answers, p.submission.definition)
							: null
			}));
			const pooled = rule.spreads?.[spreadKey(def.key, kind)];
			const judged = SENSITIVITIES.map((s) => judgeSeries(def, series, s, pooled));
			judged[current].forEach((r: Judgement, i) => {
				judged.forEach((j, k) => standing[i][k].push(j[i].status));
				if (r.value === null) return;
				if (r.status === 'rebounding') rebounds[i]++;
				rows.push({
					...r,
					value: r.value,
					indicator: def.key,
					statuses: null,
					submissionId: def.source === 'answer' ? (ofKind[i].submission?.id ?? null) : null
				});
			});
		}
		ofKind.forEach((p, i) => {
			rows.push({
				period: p.key,
				indicator: OVERALL,
				value: rebounds[i],
				status: overallOf(standing[i][current]),
				reason: null,
				level: null,
				upper: null,
				recent: null,
				span: 0,
				history: 0,
				statuses: standing[i].map((st) => statusLetter(overallOf(st))).join(''),
				submissionId: null
			});
		});
	}
	return rows;
}
