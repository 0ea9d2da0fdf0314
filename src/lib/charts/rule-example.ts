// The worked example on /trends/rule: one made-up point's meetings per quarter, judged by the real
// rule (judgeSeries), and the geometry of its small chart. Pure, no words: the page labels it.
import { indicatorDef } from '$lib/domain/indicators';
import { judgeSeries, type Judgement, type Sensitivity, type Status } from '$lib/domain/rebound';

export const EXAMPLE_INDICATOR = indicatorDef('meetings_attended')!;

/** Baseline 10, about 6 after the reform, a small rise, then back up to 12 and staying there. */
export const EXAMPLE_VALUES = [10, 6, 5, 7, 6, 6, 7, 8, 12, 12, 12, 12];
const FIRST_YEAR = 2024;

export const EXAMPLE_PERIODS = EXAMPLE_VALUES.map(
	(_, i) => `${FIRST_YEAR + Math.floor(i / 4)}-Q${(i % 4) + 1}`
);

/** The first period is the baseline: the series' starting point. */
export function judgeExample(sensitivity: Sensitivity): Judgement[] {
	return judgeSeries(
		EXAMPLE_INDICATOR,
		EXAMPLE_VALUES.map((value, i) => ({ period: EXAMPLE_PERIODS[i], afterBaseline: true, value })),
		sensitivity
	);
}

export function countStatuses(rows: Judgement[]): Record<Status, number> {
	const n: Record<Status, number> = { holding: 0, watch: 0, rebounding: 0 };
	for (const r of rows) if (r.status) n[r.status]++;
	return n;
}

// ---- The chart ------------------------------------------------------------------------------

export const CHART = { width: 360, height: 232, left: 30, right: 10, top: 16, bottom: 40 };

export interface ChartPoint {
	x: number;
	y: number;
	value: number;
	status: Status | null;
}

export interface ExampleChart {
	points: ChartPoint[];
	/** SVG path data: the values, the usual level, the limit (gaps where there is none). */
	valuePath: string;
	levelPath: string;
	limitPath: string;
	yTicks: { y: number; value: number }[];
	/** One per period; the year only on a year's first quarter (or the first period). */
	xTicks: { x: number; quarter: number; year: number | null }[];
	plot: { left: number; right: number; top: number; bottom: number };
}

function path(xs: number[], ys: (number | null)[]): string {
	let d = '';
	let open = false;
	ys.forEach((y, i) => {
		if (y === null) {
			open = false;
			return;
		}
		d += `${open ? 'L' : 'M'}${xs[i].toFixed(1)} ${y.toFixed(1)} `;
		open = true;
	});
	return d.trim();
}

export function exampleChart(rows: Judgement[]): ExampleChart {
	const { width, height, left, right, top, bottom } = CHART;
	const plot = { left, right: width - right, top, bottom: height - bottom };
	const highest = Math.max(...rows.flatMap((r) => [r.value ?? 0, r.level ?? 0, r.upper ?? 0]));
	const step = 5;
	const max = Math.max(step, Math.ceil(highest / step) * step);
	const y = (v: number) => plot.bottom - (v / max) * (plot.bottom - plot.top);
	const dx = rows.length > 1 ? (plot.right - plot.left - 12) / (rows.length - 1) : 0;
	const xs = rows.map((_, i) => plot.left + 6 + i * dx);
	const yOf = (v: number | null) => (v === null ? null : y(v));
	return {
		points: rows.flatMap((r, i) =>
			r.value === null ? [] : [{ x: xs[i], y: y(r.value), value: r.value, status: r.status }]
		),
		valuePath: path(
			xs,
			rows.map((r) => yOf(r.value))
		),
		// The level and the limit belong to judged periods; the starting point has neither.
		levelPath: path(
			xs,
			rows.map((r) => (r.status ? yOf(r.level) : null))
		),
		limitPath: path(
			xs,
			rows.map((r) => (r.status ? yOf(r.upper) : null))
		),
		yTicks: Array.from({ length: max / step + 1 }, (_, k) => ({ y: y(k * step), value: k * step })),
		xTicks: rows.map((r, i) => {
			const [year, q] = r.period.split('-Q').map(Number);
			return { x: xs[i], quarter: q, year: q === 1 || i === 0 ? year : null };
		}),
		plot
	};
}
