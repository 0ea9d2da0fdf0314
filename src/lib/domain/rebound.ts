// The rebound rule: whether one point's indicator holds, needs watching or has rebounded, period by
// period. Pure and the only place that decides it: the kept figures are made by it, and the
// dashboard, the registers, the API and the reports read what it decided.
//
// Built the way public-health surveillance watches counts for a real rise (EARS C1–C3,
// Farrington, statistical process control): estimate the usual level from the point's own
// history, allow for the count's own spread (Poisson, or wider where the history shows it, plus
// the uncertainty of a level estimated from few periods; limits read from a negative binomial, as
// Farrington does, since small counts are lopsided), and look for a rise that stands out and
// persists. One period above the limit is 需关注 (watch); a recent run of periods whose mean is
// above the limit for that many periods is 反弹 (rebounding). While a rise lasts its periods stay
// out of the usual level, so a caught rise stays a rebound until the count is back; then they
// return to it, so a false alarm leaves no lasting bias. Cancelled things are events: any return
// above the lowest count since the baseline is a rebound at once.

export type Status = 'holding' | 'watch' | 'rebounding';
export type Sensitivity = 'sensitive' | 'standard' | 'robust';
export const SENSITIVITIES: readonly Sensitivity[] = ['sensitive', 'standard', 'robust'];

export interface JudgedIndicator {
	direction: 'lower' | 'higher';
	/** A count of something the reform cancelled: any return is a rebound. */
	cancelled: boolean;
	/** Counts get a Poisson spread; a percentage takes its spread from its own history. */
	unit: string;
}

export interface RuleParams {
	/** How far (in standard deviations) one period must stand out to be watched. */
	zWatch: number;
	/** How far the mean of a recent run must stand out to be a rebound. */
	zRebound: number;
	/** The smallest rise that counts, as a share of the usual level (noise in large counts). */
	minRiseShare: number;
	/** …and in the indicator's own unit (small counts carry little signal). */
	minRise: number;
}

export const RULE_PARAMS: Record<Sensitivity, RuleParams> = {
	sensitive: { zWatch: 1.8, zRebound: 1.8, minRiseShare: 0.15, minRise: 1.5 },
	standard: { zWatch: 2, zRebound: 2.1, minRiseShare: 0.2, minRise: 2 },
	robust: { zWatch: 2.5, zRebound: 2.6, minRiseShare: 0.3, minRise: 3 }
};

/** The usual level is read from at most this many of the latest unflagged periods. */
const HISTORY_WINDOW = 24;
/**
 * A rise is judged on the mean of the latest four reported periods (fewer while the series is
 * shorter). One window, not several, so chance gets one try a period; four periods, so one wild
 * period moves the mean by a quarter and a rise is caught within three periods of its start.
 */
const RUN = 4;
/** Dispersion a count is assumed to have before its history can show it (Poisson is 1). */
const PRIOR_DISPERSION = 1.5;
const PRIOR_WEIGHT = 4;
/** Fewer periods than this show nothing reliable about the spread: the prior stands. */
const MIN_SPREAD_HISTORY = 4;
/** A spread read from few periods is often too low: its upper side is taken, by this much. */
const SPREAD_UPPER = 0.5;
/** In a run, one period counts at most this many standard deviations above the level. */
const SPIKE_CAP = 2.5;
/** A level of zero still has some chance of a stray one. */
const MIN_COUNT_LEVEL = 0.5;
/** Percentages: the smallest spread assumed, and the spread assumed before history, in points. */
const MIN_PERCENT_SD = 3;
const PRIOR_PERCENT_SD = 5;

export interface SeriesPoint {
	period: string;
	/** Periods before the baseline are history: they have values but no status. */
	afterBaseline: boolean;
	value: number | null;
}

export type Reason =
	/** Before the baseline period: no status. */
	| 'before_baseline'
	/** The baseline, or a late-joining point's first period: where its series starts. */
	| 'start'
	/** Not reported in this period. */
	| 'missing'
	| 'within'
	/** One period above the limit. */
	| 'spike'
	/** A recent run whose mean is above its limit. */
	| 'sustained'
	/** A cancelled thing back above its lowest count since the baseline. */
	| 'event'
	/** A cancelled thing at or below its lowest count since the baseline. */
	| 'event_clear';

export interface Judgement {
	period: string;
	value: number | null;
	status: Status | null;
	reason: Reason;
	/** The usual level after the reform (for a cancelled thing: its lowest count since the baseline). */
	level: number | null;
	/** The limit the judged figure was held against (the value, or the run's mean). */
	upper: number | null;
	/** The judged figure: this period's value, or the mean of the recent run. */
	recent: number | null;
	/** How many periods `recent` covers (1, or the run's length). */
	span: number;
	/** How many periods the usual level was read from. */
	history: number;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Worse-than-level in the indicator's own direction: positive is worse. */
const worse = (def: Pick<JudgedIndicator, 'direction'>, value: number, level: number) =>
	def.direction === 'lower' ? value - level : level - value;

interface Usual {
	level: number;
	/** Variance of one period around the level. */
	variance: number;
	n: number;
}

/**
 * The spread a count has at the points around this one: variance over mean, and how many
 * period-to-period steps it was read from. A point's own few periods say little about its spread;
 * the points of the same indicator and kind of period say much more.
 */
export interface PooledSpread {
	dispersion: number;
	steps: number;
}

/** The pooled spread counts for at most this many of a point's own periods. */
const MAX_POOLED_WEIGHT = 40;
/** Fewer steps than this across all points say too little: the assumed 1.5 stands. */
const MIN_POOLED_STEPS = 30;

/**
 * Sums over many points' series of one indicator and kind of period, each step from one reported
 * period to the next it reported: the squared change and the two counts' total. For a Poisson
 * count the change squared is on average the pair's total, so their ratio is the spread.
 */
export interface SpreadSums {
	squares: number;
	totals: number;
	steps: number;
}

/** The pooled spread from those sums: never below Poisson, null while the steps are too few. */
export function pooledSpread(sums: SpreadSums): PooledSpread | null {
	if (sums.steps < MIN_POOLED_STEPS || sums.totals <= 0) return null;
	return { dispersion: Math.round(Math.max(1, sums.squares / sums.totals) * 100) / 100, steps: sums.steps };
}

/** Adds one series' steps to the sums (the benchmark; the server sums in SQL). */
export function addSpreadSteps(sums: SpreadSums, values: number[]): SpreadSums {
	let { squares, totals, steps } = sums;
	for (let i = 1; i < values.length; i++) {
		squares += (values[i] - values[i - 1]) ** 2;
		totals += values[i] + values[i - 1];
		steps++;
	}
	return { squares, totals, steps };
}

function usualLevel(def: JudgedIndicator, reference: number[], pooled?: PooledSpread): Usual {
	const n = reference.length;
	const mean = reference.reduce((a, b) => a + b, 0) / n;
	// The spread from successive differences, as a control chart's moving range: the slow fall of
	// the cut itself is not mistaken for noise.
	let squares = 0;
	for (let i = 1; i < n; i++) squares += (reference[i] - reference[i - 1]) ** 2;
	const sampleVar = n > 1 ? squares / (2 * (n - 1)) : 0;
	if (def.unit === 'percent') {
		const prior = PRIOR_PERCENT_SD ** 2;
		const v = ((n - 1) * sampleVar + PRIOR_WEIGHT * prior) / (n - 1 + PRIOR_WEIGHT);
		return { level: mean, variance: Math.max(v, MIN_PERCENT_SD ** 2), n };
	}
	const lambda = Math.max(mean, MIN_COUNT_LEVEL);
	// Over-dispersion seen in the history, pulled towards the prior (the points around it, or an
	// assumed 1.5) while the history is short.
	const prior = pooled ? pooled.dispersion : PRIOR_DISPERSION;
	const w = pooled ? Math.max(PRIOR_WEIGHT, Math.min(MAX_POOLED_WEIGHT, pooled.steps)) : PRIOR_WEIGHT;
	if (n < MIN_SPREAD_HISTORY) return { level: mean, variance: prior * lambda, n };
	const shrunk = ((n - 1) * (sampleVar / lambda) + w * prior) / (n - 1 + w);
	const phi = Math.max(1, shrunk * (1 + SPREAD_UPPER * Math.sqrt(2 / (n - 1 + w))));
	return { level: mean, variance: phi * lambda, n };
}

/** The limit for the mean of `span` periods, allowing for a level estimated from `n` periods. */
function limitFor(def: JudgedIndicator, u: Usual, span: number, z: number, p: RuleParams): number {
	const spread =
		def.unit === 'percent' || def.direction === 'higher'
			? z * Math.sqrt(u.variance * (1 / span + 1 / u.n))
			: countMargin(u, span, z);
	const margin = Math.max(spread, smallestRise(def, u, p));
	return def.direction === 'lower' ? u.level + margin : u.level - margin;
}

/** Chance that a standard normal deviate exceeds z (Abramowitz and Stegun 7.1.26). */
export function normalTail(z: number): number {
	const x = Math.abs(z) / Math.SQRT2;
	const t = 1 / (1 + 0.3275911 * x);
	const poly =
		t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
	const erfc = poly * Math.exp(-x * x);
	return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/**
 * How far above the level the mean of `span` counts may go by chance: the largest total that
 * chance reaches more often than a normal deviate exceeds z, read from a negative binomial (the
 * count's own spread plus the level's uncertainty), as Farrington reads its thresholds. Small
 * counts are skewed, so a normal limit would flag them too often.
 */
function countMargin(u: Usual, span: number, z: number): number {
	const lambda = Math.max(u.level, MIN_COUNT_LEVEL);
	const mean = span * lambda;
	const variance = u.variance * (span + (span * span) / u.n);
	const alpha = normalTail(z);
	if (mean > 1000) return (z * Math.sqrt(variance)) / span;
	return Math.max(0, chanceTotal(mean, variance, alpha) / span - u.level);
}

/**
 * The largest total a negative binomial with this mean and variance reaches more often than
 * `alpha`: totals above it are beyond chance. (Variance at or below the mean is read as Poisson.)
 */
export function chanceTotal(mean: number, variance: number, alpha: number): number {
	const v = Math.max(variance, mean * 1.0001);
	// Size r, success probability q.
	const r = (mean * mean) / (v - mean);
	const q = mean / v;
	let pmf = Math.exp(r * Math.log(q));
	let below = 0;
	let x = 0;
	while (1 - below - pmf > alpha) {
		below += pmf;
		pmf *= ((x + r) / (x + 1)) * (1 - q);
		x++;
	}
	return x;
}

/** Percentages move in points: the share of the level applies to counts only. */
function smallestRise(def: JudgedIndicator, u: Usual, p: RuleParams): number {
	return def.unit === 'percent' ? 2 * p.minRise : Math.max(p.minRise, p.minRiseShare * Math.abs(u.level));
}

/** In a run, one period counts at most this high: far enough that a real rise is not cut. */
function spikeCap(def: JudgedIndicator, u: Usual, p: RuleParams): number {
	const margin = Math.max(SPIKE_CAP * Math.sqrt(u.variance * (1 + 1 / u.n)), 2 * smallestRise(def, u, p));
	return def.direction === 'lower' ? u.level + margin : u.level - margin;
}

const beyond = (def: JudgedIndicator, value: number, limit: number) =>
	def.direction === 'lower' ? value > limit + 1e-9 : value < limit - 1e-9;

/**
 * Judges one point's series of one indicator, oldest first. The usual level is read from the
 * unflagged periods after the baseline (the baseline itself while there are none yet); a missed
 * period has no status and is skipped; a point that joined late starts at its first period.
 */
export function judgeSeries(
	def: JudgedIndicator,
	series: SeriesPoint[],
	sensitivity: Sensitivity = 'standard',
	pooled?: PooledSpread
): Judgement[] {
	return judgeSeriesWith(def, series, RULE_PARAMS[sensitivity], pooled);
}

/** The same with explicit parameters (the benchmark tunes them). */
export function judgeSeriesWith(
	def: JudgedIndicator,
	series: SeriesPoint[],
	p: RuleParams,
	pooled?: PooledSpread
): Judgement[] {
	const out: Judgement[] = [];
	// Reported periods after the baseline, in order, with whether each was flagged.
	const seen: { value: number; flagged: boolean }[] = [];
	// The current rebound's periods (with the runs that showed it), kept out of the usual level.
	let episode: { value: number; flagged: boolean }[] = [];
	let start: number | null = null;
	let lowest: number | null = null;

	for (const s of series) {
		const blank = {
			period: s.period,
			value: s.value,
			level: null,
			upper: null,
			recent: null,
			span: 0,
			history: 0
		};
		if (!s.afterBaseline) {
			out.push({ ...blank, status: null, reason: 'before_baseline' });
			continue;
		}
		if (s.value === null) {
			out.push({ ...blank, status: null, reason: 'missing' });
			continue;
		}
		const value = s.value;
		if (start === null) {
			start = value;
			lowest = value;
			out.push({ ...blank, status: null, reason: 'start', level: value, recent: value, span: 1 });
			continue;
		}

		if (def.cancelled) {
			const back = worse(def, value, lowest!) > 0;
			out.push({
				...blank,
				status: back ? 'rebounding' : 'holding',
				reason: back ? 'event' : 'event_clear',
				level: lowest,
				upper: lowest,
				recent: value,
				span: 1,
				history: seen.length + 1
			});
			if (!back) lowest = value;
			seen.push({ value, flagged: back });
			continue;
		}

		const referenceBefore = (count: number) => {
			const ref = seen
				.slice(0, seen.length - count)
				.filter((x) => !x.flagged)
				.slice(-HISTORY_WINDOW)
				.map((x) => x.value);
			// Nothing usual yet after the baseline: the baseline is the level to stay under.
			return ref.length ? ref : [start!];
		};

		// One period against the level before it.
		const single = usualLevel(def, referenceBefore(0), pooled);
		const watchLimit = limitFor(def, single, 1, p.zWatch, p);
		let judged: Judgement | null = null;

		// The recent run: this period and up to three reported before it, their mean against the
		// limit for that many periods, read against the level before the run. Each period counts
		// at most SPIKE_CAP deviations high, and this period must itself still be above the level.
		const span = Math.min(RUN, seen.length + 1);
		if (span >= 2) {
			const run = [...seen.slice(seen.length - (span - 1)).map((x) => x.value), value];
			const u = usualLevel(def, referenceBefore(span - 1), pooled);
			const cap = spikeCap(def, u, p);
			const mean = run.reduce((a, v) => a + (beyond(def, v, cap) ? cap : v), 0) / span;
			const limit = limitFor(def, u, span, p.zRebound, p);
			if (worse(def, value, u.level) > 0 && beyond(def, mean, limit))
				judged = {
					...blank,
					status: 'rebounding',
					reason: 'sustained',
					level: round1(u.level),
					upper: round1(limit),
					recent: round1(mean),
					span,
					history: u.n
				};
		}
		judged ??= {
			...blank,
			status: beyond(def, value, watchLimit) ? 'watch' : 'holding',
			reason: beyond(def, value, watchLimit) ? 'spike' : 'within',
			level: round1(single.level),
			upper: round1(watchLimit),
			recent: value,
			span: 1,
			history: single.n
		};
		out.push(judged);
		// A rebound and the run that showed it, and a watched period while the count stays up, are
		// kept out of the usual level, so the level does not creep up with a rise.
		const entry = { value, flagged: judged.status !== 'holding' };
		if (judged.status !== 'holding') {
			if (judged.reason === 'sustained')
				for (const earlier of seen.slice(seen.length - (judged.span - 1))) {
					earlier.flagged = true;
					if (!episode.includes(earlier)) episode.push(earlier);
				}
			episode.push(entry);
		} else if (episode.length) {
			// Back within the limit: the episode is over (fixed, or it was chance), and its periods
			// go back into the usual level, so a false alarm leaves no lasting bias.
			for (const e of episode) e.flagged = false;
			episode = [];
		}
		seen.push(entry);
	}
	return out;
}
