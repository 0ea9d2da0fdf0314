// What the trends dashboard and its JSON endpoint show: one shape for the page, the API and the
// quarterly report, so they cannot disagree.
import type { IndicatorKey, IndicatorUnit, Direction, Status, TrendRule } from './indicators';
import type { Reason } from './rebound';
import type { PeriodKind } from './periods';

export interface PeriodView {
	key: string;
	kind: PeriodKind;
	start: string;
	end: string;
}

export interface SeriesValue {
	period: string;
	/** A region: the mean over the points that reported; a point: its own value. Null: no data. */
	value: number | null;
	/** A region: the sum over the points that reported. */
	total: number | null;
	/** Points with a value in the period. */
	points: number;
	holding: number;
	watching: number;
	rebounding: number;
}

export interface PeriodValue {
	period: string;
	value: number;
}

export interface IndicatorTrend {
	indicator: IndicatorKey;
	unit: IndicatorUnit;
	direction: Direction;
	cancelled: boolean;
	/** One per period of the view, in order. */
	values: SeriesValue[];
	/** The last period of the range with data, the one before it, and the baseline period. */
	latest: PeriodValue | null;
	previous: PeriodValue | null;
	baseline: PeriodValue | null;
	/** At the latest period: points holding, watched and rebounding on this indicator. */
	holding: number;
	watching: number;
	rebounding: number;
	/** The direction of the latest change against the baseline, for the summary. */
	verdict: 'better' | 'worse' | 'same' | 'no_data';
}

export interface ChildRow {
	code: string;
	name: string;
	/** Set when the row is a point (a township's villages and communities). */
	pointId: number | null;
	href: string;
	latest: number | null;
	/** latest − baseline and latest − previous, in the indicator's unit. */
	vsBaseline: number | null;
	vsPrevious: number | null;
	/** Points holding / watched / rebounding overall (any indicator) at the latest period. */
	holding: number;
	watching: number;
	rebounding: number;
	status: Status | 'no_data';
}

/** One indicator of a point that the rule flagged, with the figures its explanation quotes. */
export interface FlagView {
	indicator: IndicatorKey;
	status: 'rebounding' | 'watch';
	reason: Reason;
	value: number;
	level: number | null;
	upper: number | null;
	recent: number | null;
	span: number;
	/** The submission answer or the register page that shows it. */
	evidenceHref: string;
	evidence: 'answer' | 'register';
}

/** A flagged point, once, with every indicator flagged (rebounds first). */
export interface ReboundView {
	pointId: number;
	pointName: string;
	regionCode: string;
	period: string;
	status: 'rebounding' | 'watch';
	flags: FlagView[];
}

export interface ReportingView {
	roundId: number;
	roundName: string;
	targets: number;
	onTime: number;
	late: number;
	missing: number;
	accepted: number;
}

export interface Crumb {
	code: string;
	name: string;
	/** Null when the user may not open it (above their own region). */
	href: string | null;
}

export interface DashboardData {
	scope:
		| { kind: 'region'; code: string; name: string; level: number }
		| { kind: 'point'; code: string; name: string; pointId: number };
	breadcrumbs: Crumb[];
	/** Every period of the chosen kind, for the range pickers. */
	periods: PeriodView[];
	/** The periods shown, oldest first. */
	shown: PeriodView[];
	kinds: PeriodKind[];
	kind: PeriodKind | null;
	from: string | null;
	to: string | null;
	baselinePeriod: string | null;
	rule: TrendRule;
	/** A rebuild under way: the figures shown are the old rule's until it completes. */
	recalculating: { progress: number } | null;
	/** The indicators drawn in the main chart; the first also heads the child table. */
	selected: IndicatorKey[];
	trends: IndicatorTrend[];
	/** Points holding, watched and rebounding overall at the latest period. */
	overall: { period: string | null; holding: number; watching: number; rebounding: number; points: number };
	children: ChildRow[];
	/** Points flagged at the latest period: how many rebound, how many are watched, and the list. */
	rebounds: { total: number; watching: number; rows: ReboundView[] };
	reporting: ReportingView | null;
}
