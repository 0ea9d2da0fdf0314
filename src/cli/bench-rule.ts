// `npm run bench:rule [-- --json FILE] [--sensitivity S]`: the rebound rule against synthetic
// series whose truth is known. A seeded generator makes calm series and series with a sustained
// rise (a step, or a climb over three periods) of +50%, monthly (60 periods) and quarterly (8 and
// 12), at reduced levels of 3, 6, 12 and 30 a period, with Poisson and over-dispersed noise. The
// old rule (worse than the best since the baseline by more than 20%) and the new one are scored
// side by side, with the ceiling: a test told each series' true level and spread, which no real
// rule can beat, so a target the ceiling misses is out of reach for any rule. Also imported by `npm run bench`, which puts the same figures in its JSON.
import fs from 'node:fs';
import {
	addSpreadSteps,
	chanceTotal,
	pooledSpread,
	type PooledSpread,
	type SpreadSums,
	judgeSeriesWith,
	normalTail,
	RULE_PARAMS,
	SENSITIVITIES,
	type JudgedIndicator,
	type RuleParams,
	type Sensitivity
} from '../lib/domain/rebound';
import { argValue } from './shared';

export interface RuleScenario {
	name: string;
	periods: number;
	level: number;
	/** Variance over mean of the noise: 1 is Poisson. */
	dispersion: number;
	shape: 'step' | 'gradual';
}

export interface RuleScore {
	scenario: RuleScenario;
	/**
	 * `ceiling`: the four-period test told each series' true level and spread, the best a rule of
	 * its shape can do; `cusum`: a CUSUM told the same, its threshold set to flag as many calm
	 * periods as the ceiling does, to show that an alarm of another shape does not do better.
	 */
	rule: 'old' | 'ceiling' | 'cusum' | Sensitivity;
	/** Share of calm periods (after the baseline, in calm series) judged rebounding. */
	calmPeriodsFlagged: number;
	/** Share of calm series judged rebounding at some period. */
	calmPointsFlagged: number;
	/** Share of rising series judged rebounding within three periods of the rise's start. */
	caughtWithin3: number;
	/** Mean periods from the rise's start to the first rebounding judgement, over those caught. */
	meanDelay: number | null;
	/** Share of calm periods judged watch (一期异常，需关注). */
	calmPeriodsWatched: number;
}

const SERIES_PER_SCENARIO = Number(process.env.RULE_SERIES ?? 1000);
const RISE = 0.5;
const CUT = 0.4;
/** Caught within 3 periods: judged rebounding at the rise's first period or one of the 3 after. */
const WITHIN = 3;
const RUN_LENGTH = 4;
const COUNT: JudgedIndicator = { direction: 'lower', cancelled: false, unit: 'times' };

/** mulberry32: small, fast and seeded, so every run scores the same series. */
function rng(seed: number) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function poisson(r: () => number, lambda: number): number {
	if (lambda <= 0) return 0;
	if (lambda > 60) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(r)));
	const l = Math.exp(-lambda);
	let k = 0;
	let prod = r();
	while (prod > l) {
		k++;
		prod *= r();
	}
	return k;
}

function normal(r: () => number): number {
	const u = 1 - r();
	return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

/** Marsaglia–Tsang, for the gamma–Poisson (negative binomial) mixture. */
function gamma(r: () => number, shape: number): number {
	if (shape < 1) return gamma(r, shape + 1) * Math.pow(r(), 1 / shape);
	const d = shape - 1 / 3;
	const c = 1 / Math.sqrt(9 * d);
	for (;;) {
		let x: number;
		let v: number;
		do {
			x = normal(r);
			v = 1 + c * x;
		} while (v <= 0);
		v = v * v * v;
		const u = r();
		if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
	}
}

/** A count with mean `mean` and variance `dispersion × mean`. */
function count(r: () => number, mean: number, dispersion: number): number {
	if (dispersion <= 1) return poisson(r, mean);
	const shape = mean / (dispersion - 1);
	return poisson(r, gamma(r, shape) * (dispersion - 1));
}

interface MadeSeries {
	values: number[];
	/** Index of the first risen period, or null for a calm series. */
	riseAt: number | null;
}

/** Period 0 is the pre-reform baseline; the reduced level holds from period 1. */
function makeSeries(r: () => number, s: RuleScenario, rising: boolean): MadeSeries {
	const before = s.level / (1 - CUT);
	// The rise starts with at least three reduced periods behind it and room to be caught ahead.
	const riseAt = rising ? 4 + Math.floor(r() * (s.periods - WITHIN - 4)) : null;
	const values = [count(r, before, s.dispersion)];
	for (let t = 1; t < s.periods; t++) {
		let mean = s.level;
		if (riseAt !== null && t >= riseAt) {
			const done = s.shape === 'step' ? 1 : Math.min(1, (t - riseAt + 1) / 3);
			mean = s.level * (1 + RISE * done);
		}
		values.push(count(r, mean, s.dispersion));
	}
	return { values, riseAt };
}

/** The rule before this one: worse than the best since the baseline by more than 20%. */
function oldRule(values: number[]): Flag[] {
	let best: number | null = null;
	return values.map((v) => {
		const flagged = best !== null && (best === 0 ? v > 0 : v - best > best * 0.2 + 1e-9);
		if (best === null || v < best) best = v;
		return flagged ? 'rebounding' : 'holding';
	});
}

type Flag = 'holding' | 'watch' | 'rebounding' | null;
type Judge = (values: number[]) => Flag[];

/**
 * The ceiling: the mean of the latest four periods against the true level and spread (negative
 * binomial, at the standard rule's chance of a false alarm). No rule that must read the level from
 * the point's own few periods can beat it; the gap is what estimating the level costs.
 */
function ceilingRule(s: RuleScenario): Judge {
	const alpha = normalTail(RULE_PARAMS.standard.zRebound);
	const limits = [0, 1, 2, 3, 4].map((k) => chanceTotal(k * s.level, k * s.level * s.dispersion, alpha));
	return (values) =>
		values.map((_, t) => {
			if (t < 1) return null;
			const k = Math.min(RUN_LENGTH, t);
			let sum = 0;
			for (let j = t - k + 1; j <= t; j++) sum += values[j];
			return sum > limits[k] ? 'rebounding' : 'holding';
		});
}

const asSeries = (values: number[]) =>
	values.map((value, i) => ({ period: String(i), afterBaseline: true, value }));

/** Page's CUSUM for a +50% rise in a count with a known level and spread, flagged above `h`. */
function cusumRule(s: RuleScenario, h: number): Judge {
	return (values) => {
		let sum = 0;
		return values.map((x, t) => {
			if (t < 1) return null;
			sum = Math.max(0, sum + (x * Math.log(1 + RISE) - RISE * s.level) / s.dispersion);
			return sum > h ? 'rebounding' : 'holding';
		});
	};
}

/** The CUSUM with its threshold found by bisection to flag no more calm periods than `target`. */
function tunedCusum(s: RuleScenario, seed: number, target: number): RuleScore {
	let lo = 0;
	let hi = 20;
	for (let k = 0; k < 12; k++) {
		const h = (lo + hi) / 2;
		if (scoreRule(s, 'cusum', seed, cusumRule(s, h)).calmPeriodsFlagged > target) lo = h;
		else hi = h;
	}
	return scoreRule(s, 'cusum', seed, cusumRule(s, hi));
}

export function newRule(params: RuleParams, pooled?: PooledSpread | null): Judge {
	return (values) =>
		judgeSeriesWith(COUNT, asSeries(values), params, pooled ?? undefined).map((j) => j.status);
}

/**
 * The points around the judged ones share their spread: read, as the server reads it from the
 * figures in force, from the periods that held or were watched in other series of the scenario
 * (judged without it), a quarter of them rising.
 */
const POOL_SERIES = 200;
const pooled = new Map<string, PooledSpread | null>();
export function pooledFor(s: RuleScenario, seed: number): PooledSpread | null {
	const key = `${s.name}\u0000${seed}`;
	if (!pooled.has(key)) pooled.set(key, readPool(s, seed));
	return pooled.get(key)!;
}

/** Read once per scenario: every sensitivity is judged against the same points around it. */
function readPool(s: RuleScenario, seed: number): PooledSpread | null {
	const r = rng(seed + 2);
	let sums: SpreadSums = { squares: 0, totals: 0, steps: 0 };
	for (let i = 0; i < POOL_SERIES; i++) {
		const { values } = makeSeries(r, s, i % 4 === 3);
		const judged = judgeSeriesWith(COUNT, asSeries(values), RULE_PARAMS.standard);
		sums = addSpreadSteps(
			sums,
			values.filter((_, t) => judged[t].status === 'holding' || judged[t].status === 'watch')
		);
	}
	return pooledSpread(sums);
}

export function scenarios(): RuleScenario[] {
	const out: RuleScenario[] = [];
	for (const periods of [60, 12, 8])
		for (const level of [3, 6, 12, 30])
			for (const dispersion of [1, 1.5])
				for (const shape of ['step', 'gradual'] as const)
					out.push({
						name: `${periods === 60 ? 'monthly' : 'quarterly'} ${periods} · level ${level} · ${dispersion === 1 ? 'Poisson' : `over-dispersed ×${dispersion}`} · ${shape}`,
						periods,
						level,
						dispersion,
						shape
					});
	return out;
}

export function scoreRule(
	s: RuleScenario,
	rule: 'old' | 'ceiling' | 'cusum' | Sensitivity,
	seed: number,
	judge: Judge = rule === 'old'
		? oldRule
		: rule === 'ceiling'
			? ceilingRule(s)
			: rule === 'cusum'
				? cusumRule(s, Infinity) // tunedCusum passes its own threshold
				: newRule(RULE_PARAMS[rule], pooledFor(s, seed))
): RuleScore {
	let r = rng(seed);
	let calmPeriods = 0;
	let calmFlagged = 0;
	let calmWatched = 0;
	let calmPointsFlagged = 0;
	for (let i = 0; i < SERIES_PER_SCENARIO; i++) {
		const { values } = makeSeries(r, s, false);
		const flags = judge(values);
		let any = false;
		for (let t = 1; t < values.length; t++) {
			calmPeriods++;
			if (flags[t] === 'rebounding') {
				calmFlagged++;
				any = true;
			}
			if (flags[t] === 'watch') calmWatched++;
		}
		if (any) calmPointsFlagged++;
	}
	r = rng(seed + 1);
	let caught = 0;
	let detected = 0;
	let delays = 0;
	for (let i = 0; i < SERIES_PER_SCENARIO; i++) {
		const { values, riseAt } = makeSeries(r, s, true);
		const flags = judge(values);
		const first = flags.findIndex((f, t) => f === 'rebounding' && t >= riseAt!);
		if (first < 0) continue;
		detected++;
		delays += first - riseAt!;
		if (first - riseAt! <= WITHIN) caught++;
	}
	return {
		scenario: s,
		rule,
		calmPeriodsFlagged: calmFlagged / calmPeriods,
		calmPointsFlagged: calmPointsFlagged / SERIES_PER_SCENARIO,
		caughtWithin3: caught / SERIES_PER_SCENARIO,
		meanDelay: detected ? delays / detected : null,
		calmPeriodsWatched: calmWatched / calmPeriods
	};
}

export function runRuleBench(sensitivities: readonly Sensitivity[] = ['standard']): RuleScore[] {
	const out: RuleScore[] = [];
	scenarios().forEach((s, i) => {
		const seed = 1000 + i * 7;
		out.push(scoreRule(s, 'old', seed));
		const ceiling = scoreRule(s, 'ceiling', seed);
		out.push(ceiling);
		out.push(tunedCusum(s, seed, Math.max(ceiling.calmPeriodsFlagged, 0.005)));
		for (const sens of sensitivities) out.push(scoreRule(s, sens, seed));
	});
	return out;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function printRuleBench(scores: RuleScore[]): void {
	console.log(
		'scenario'.padEnd(58) +
			'rule'.padEnd(10) +
			'calm periods'.padStart(13) +
			'calm points'.padStart(13) +
			'caught ≤3'.padStart(11) +
			'delay'.padStart(7) +
			'watch'.padStart(8)
	);
	for (const s of scores) {
		console.log(
			s.scenario.name.padEnd(58) +
				s.rule.padEnd(10) +
				pct(s.calmPeriodsFlagged).padStart(13) +
				pct(s.calmPointsFlagged).padStart(13) +
				pct(s.caughtWithin3).padStart(11) +
				(s.meanDelay === null ? '—' : s.meanDelay.toFixed(2)).padStart(7) +
				(s.rule === 'old' || s.rule === 'ceiling' || s.rule === 'cusum'
					? ''
					: pct(s.calmPeriodsWatched)
				).padStart(8)
		);
	}
}

/** Whether the new rule meets the issue's targets, scenario by scenario. */
export function ruleTargets(scores: RuleScore[], rule: Sensitivity = 'standard') {
	const mine = scores.filter((s) => s.rule === rule);
	const misses: string[] = [];
	for (const s of mine) {
		if (s.calmPeriodsFlagged > 0.02)
			misses.push(`${s.scenario.name}: calm periods ${pct(s.calmPeriodsFlagged)} > 2%`);
		const need = s.scenario.level >= 12 ? 0.75 : s.scenario.level === 6 ? 0.4 : null;
		// The better of the two told the truth: what no rule reading the point's own periods can beat.
		const told = scores.filter(
			(c) => (c.rule === 'ceiling' || c.rule === 'cusum') && c.scenario.name === s.scenario.name
		);
		const best = told.length ? Math.max(...told.map((c) => c.caughtWithin3)) : null;
		if (need !== null && s.caughtWithin3 < need)
			misses.push(
				`${s.scenario.name}: caught ${pct(s.caughtWithin3)} < ${pct(need)}` +
					(best !== null ? ` (ceiling ${pct(best)}${best < need ? ', out of reach' : ''})` : '')
			);
	}
	return misses;
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
	const sens = argValue('sensitivity');
	const chosen = sens ? (SENSITIVITIES.filter((x) => x === sens) as Sensitivity[]) : [...SENSITIVITIES];
	const scores = runRuleBench(chosen);
	printRuleBench(scores);
	const misses = ruleTargets(scores);
	console.log(
		misses.length ? `\nmissed targets (standard):\n  ${misses.join('\n  ')}` : '\nall targets met (standard)'
	);
	const json = argValue('json');
	if (json) fs.writeFileSync(json, JSON.stringify(scores, null, 2));
}
