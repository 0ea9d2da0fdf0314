// Charts for the quarterly report, drawn on the server as PNG: chart.js on @napi-rs/canvas (Skia).
// The Chinese font comes from an npm package (Noto Sans SC, SIL Open Font License) rather than the
// system, so labels render the same on a fresh machine or CI runner with no CJK fonts installed.
import { createRequire } from 'node:module';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import {
	BarController,
	BarElement,
	CategoryScale,
	Chart,
	Legend,
	LinearScale,
	LineController,
	LineElement,
	PointElement,
	Title,
	type ChartConfiguration,
	type ChartType,
	type FontSpec,
	type Plugin
} from 'chart.js';
import { drawPoint } from 'chart.js/helpers';
import * as m from '../../paraglide/messages';

/** The family name every chart text is drawn in. */
export const REPORT_FONT_FAMILY = 'ReportSans';

// Resolved at run time from node_modules, next to the importing file: under tsx/vitest that is the
// source tree, in the adapter-node build it is build/server/chunks/, and both find the project's
// node_modules (the package is a runtime dependency, so it is installed wherever the app runs).
const FONT_FILES = [
	'@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
	'@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf'
];

let fontsReady = false;

/** Registers the report font (once per process) and returns the path of the regular weight. */
export function registerReportFont(): string {
	const require = createRequire(import.meta.url);
	const paths = FONT_FILES.map((f) => require.resolve(f));
	if (!fontsReady) {
		for (const path of paths) {
			if (!GlobalFonts.registerFromPath(path, REPORT_FONT_FAMILY)) {
				throw new Error(`could not load the report font from ${path}`);
			}
		}
		Chart.register(
			BarController,
			BarElement,
			CategoryScale,
			Legend,
			LinearScale,
			LineController,
			LineElement,
			PointElement,
			Title
		);
		Chart.defaults.font.family = REPORT_FONT_FAMILY;
		fontsReady = true;
	}
	return paths[0];
}

export interface LineChartSpec {
	/** e.g. '平均每点位 参加上级会议次数' */
	title: string;
	/** Period labels, e.g. '2025年第1季度'. */
	labels: string[];
	/** 1..4 lines; a null value leaves a gap. */
	series: { name: string; values: (number | null)[] }[];
	/** Unit of the y axis, e.g. '次'; written as 单位：次 above the axis. */
	unit?: string;
	/** The language of the chart's own words (the unit caption, 基线); Chinese by default. */
	locale?: 'zh' | 'en';
	/** Draws a dashed vertical line labelled 基线 at that label. */
	baselineIndex?: number | null;
	/** Pixels; default 1200×600, print quality for a Word page about 16 cm wide. */
	width?: number;
	height?: number;
}

export interface BarChartSpec {
	title: string;
	labels: string[];
	/** `color` overrides the default palette, e.g. to keep 按时/逾期/未报 the same in every chart. */
	series: { name: string; values: number[]; color?: string }[];
	unit?: string;
	/** The language of the chart's own words (the unit caption, 基线); Chinese by default. */
	locale?: 'zh' | 'en';
	stacked?: boolean;
	width?: number;
	height?: number;
}

/** A chart of the report, as its words describe it (report-text.ts). */
export type ReportChart = { type: 'line'; spec: LineChartSpec } | { type: 'bar'; spec: BarChartSpec };

const DEFAULT_WIDTH = 1200;
const DEFAULT_HEIGHT = 600;
const TEXT = '#222222';
const GRID = '#d9d9d9';

// The web's LINE_STYLES (Okabe–Ito colours) with dashes doubled for a 1200 px canvas: every line
// has its own colour, marker and dash, so a grey printout still tells them apart.
const LINE_STYLES = [
	{ color: '#0072B2', point: 'circle', dash: [] },
	{ color: '#D55E00', point: 'triangle', dash: [16, 8] },
	{ color: '#009E73', point: 'rect', dash: [4, 6] },
	{ color: '#CC79A7', point: 'rectRot', dash: [24, 6, 4, 6] }
] as const;

// Bars: dark, mid and light, so stacked segments stay distinct in grey too.
const BAR_COLORS = ['#0072B2', '#E69F00', '#BDBDBD', '#009E73', '#CC79A7', '#56B4E9'];

/** Font sizes in px on the 1200 px canvas (≈ 7.5 px per mm when printed 16 cm wide). */
function fonts(width: number) {
	const k = width / DEFAULT_WIDTH;
	const f = (size: number, weight: FontSpec['weight'] = 'normal'): Partial<FontSpec> => ({
		family: REPORT_FONT_FAMILY,
		size: Math.round(size * k),
		weight
	});
	return { title: f(30, 'bold'), legend: f(22), tick: f(21), note: f(20), k };
}

/** Fills the canvas white before anything is drawn (PNG would otherwise be transparent). */
const whiteBackground: Plugin = {
	id: 'reportWhiteBackground',
	beforeDraw(chart) {
		const ctx = chart.ctx;
		ctx.save();
		ctx.fillStyle = '#ffffff';
		ctx.fillRect(0, 0, chart.width, chart.height);
		ctx.restore();
	}
};

/** 单位：… written above the y axis, horizontally (a rotated CJK axis title reads badly). */
function unitLabel(unit: string | undefined, size: number, locale: 'zh' | 'en' = 'zh'): Plugin {
	return {
		id: 'reportUnit',
		afterDraw(chart) {
			if (!unit) return;
			const ctx = chart.ctx;
			ctx.save();
			ctx.fillStyle = TEXT;
			ctx.font = `${size}px ${REPORT_FONT_FAMILY}`;
			ctx.textAlign = 'left';
			ctx.textBaseline = 'bottom';
			ctx.fillText(
				m.report_chart_unit({ unit }, { locale }),
				chart.scales.y.left,
				chart.chartArea.top - Math.round(size * 0.8)
			);
			ctx.restore();
		}
	};
}

/** A dashed vertical line at the baseline period, with 基线 written beside it at the top. */
function baselineLine(
	index: number | null | undefined,
	count: number,
	size: number,
	k: number,
	locale: 'zh' | 'en' = 'zh'
): Plugin {
	return {
		id: 'reportBaseline',
		afterDatasetsDraw(chart) {
			if (index === null || index === undefined || index < 0 || index >= count) return;
			const x = chart.scales.x.getPixelForValue(index);
			const { top, bottom, right } = chart.chartArea;
			const ctx = chart.ctx;
			ctx.save();
			ctx.strokeStyle = '#444444';
			ctx.lineWidth = 2 * k;
			ctx.setLineDash([10 * k, 7 * k]);
			ctx.beginPath();
			ctx.moveTo(x, top);
			ctx.lineTo(x, bottom);
			ctx.stroke();
			ctx.setLineDash([]);
			ctx.font = `${size}px ${REPORT_FONT_FAMILY}`;
			const label = m.trends_baseline({}, { locale });
			const w = ctx.measureText(label).width;
			const pad = 6 * k;
			// Beside the line inside the plot, flipped to the left when it would run off the edge.
			const left = x + pad + w + pad > right ? x - pad - w : x + pad;
			ctx.fillStyle = 'rgba(255,255,255,0.85)';
			ctx.fillRect(left - 2 * k, top + 2 * k, w + 4 * k, size * 1.3);
			ctx.fillStyle = TEXT;
			ctx.textAlign = 'left';
			ctx.textBaseline = 'top';
			ctx.fillText(label, left, top + 4 * k);
			ctx.restore();
		}
	};
}

/** The marker of each line drawn over the middle of its legend stroke, as on the line itself. */
const lineLegendMarkers: Plugin<'line'> = {
	id: 'reportLegendMarkers',
	afterDraw(chart) {
		const legend = chart.legend;
		if (!legend?.legendItems) return;
		const labels = legend.options.labels;
		const boxWidth = labels.boxWidth;
		const fontSize = (labels.font as Partial<FontSpec>).size ?? 12;
		// Where chart.js placed each item (not in its typings, but stable across 4.x).
		const boxes = (legend as unknown as { legendHitBoxes?: { left: number; top: number }[] }).legendHitBoxes;
		legend.legendItems.forEach((item, i) => {
			const box = boxes?.[i];
			const dataset = chart.data.datasets[item.datasetIndex ?? i];
			if (!box || !dataset) return;
			const ctx = chart.ctx;
			ctx.save();
			ctx.fillStyle = String(dataset.backgroundColor);
			ctx.strokeStyle = String(dataset.borderColor);
			ctx.lineWidth = Number(dataset.pointBorderWidth ?? 1);
			ctx.setLineDash([]);
			drawPoint(
				ctx,
				{
					pointStyle: dataset.pointStyle as never,
					radius: Number(dataset.pointRadius ?? 4),
					rotation: 0,
					borderWidth: Number(dataset.pointBorderWidth ?? 1)
				},
				box.left + boxWidth / 2,
				box.top + fontSize / 2
			);
			ctx.restore();
		});
	}
};

/** '2025年第1季度' on two lines ('2025年' / '第1季度'), so eight quarters fit without slanting. */
export function periodLines(label: string): string | string[] {
	const cut = label.indexOf('年');
	return cut > 0 && cut < label.length - 1 ? [label.slice(0, cut + 1), label.slice(cut + 1)] : label;
}

function commonOptions(title: string, width: number) {
	const f = fonts(width);
	return {
		f,
		options: {
			responsive: false,
			animation: false as const,
			devicePixelRatio: 1,
			locale: 'zh-CN',
			color: TEXT,
			layout: { padding: { top: 16 * f.k, right: 32 * f.k, bottom: 8 * f.k, left: 16 * f.k } },
			plugins: {
				title: {
					display: true,
					text: title,
					color: TEXT,
					font: f.title,
					padding: { top: 0, bottom: 12 * f.k }
				},
				legend: {
					display: true,
					position: 'top' as const,
					// Not 'end': chart.js 4 then drops the last item when float widths fill the row exactly.
					align: 'center' as const,
					labels: {
						color: TEXT,
						font: f.legend,
						boxWidth: 36 * f.k,
						boxHeight: 18 * f.k,
						padding: 20 * f.k
					}
				},
				tooltip: { enabled: false }
			}
		}
	};
}

function yAxis(f: ReturnType<typeof fonts>, stacked: boolean) {
	return {
		stacked,
		beginAtZero: true,
		grid: { color: GRID, lineWidth: 1 * f.k },
		border: { display: false },
		ticks: { color: TEXT, font: f.tick, padding: 8 * f.k, precision: 2 }
	};
}

async function render<TType extends ChartType>(
	config: ChartConfiguration<TType, unknown[], string | string[]>,
	width: number,
	height: number
): Promise<Buffer> {
	registerReportFont();
	const canvas = createCanvas(width, height);
	const ctx = canvas.getContext('2d');
	const chart = new Chart(ctx as unknown as CanvasRenderingContext2D, config);
	try {
		return await canvas.encode('png');
	} finally {
		chart.destroy();
	}
}

function size(spec: { width?: number; height?: number }): { width: number; height: number } {
	const width = Math.round(spec.width ?? DEFAULT_WIDTH);
	const height = Math.round(spec.height ?? DEFAULT_HEIGHT);
	if (!(width >= 100 && width <= 8000 && height >= 100 && height <= 8000)) {
		throw new RangeError(`chart size ${width}×${height} is out of range`);
	}
	return { width, height };
}

/** A line chart of 1..4 series over periods, with an optional baseline marker. */
export async function lineChartPng(spec: LineChartSpec): Promise<Buffer> {
	const { width, height } = size(spec);
	const { f, options } = commonOptions(spec.title, width);
	const config: ChartConfiguration<'line', (number | null)[], string | string[]> = {
		type: 'line',
		data: {
			labels: spec.labels.map(periodLines),
			datasets: spec.series.map((s, i) => {
				const style = LINE_STYLES[i % LINE_STYLES.length];
				return {
					label: s.name,
					data: s.values,
					borderColor: style.color,
					backgroundColor: style.color,
					borderDash: [...style.dash],
					borderWidth: 3.5 * f.k,
					pointStyle: style.point,
					pointRadius: 7 * f.k,
					pointBorderWidth: 1.5 * f.k,
					spanGaps: false,
					tension: 0
				};
			})
		},
		options: {
			...options,
			plugins: {
				...options.plugins,
				legend: {
					...options.plugins.legend,
					labels: {
						...options.plugins.legend.labels,
						// A stroke of the line's own dash (a zero-height box); lineLegendMarkers adds the marker.
						boxWidth: 64 * f.k,
						boxHeight: 0,
						generateLabels: (chart) =>
							Chart.defaults.plugins.legend.labels
								.generateLabels(chart)
								.map((item) => ({ ...item, fillStyle: 'rgba(0,0,0,0)' }))
					}
				}
			},
			scales: {
				x: {
					offset: true,
					grid: { display: false },
					border: { color: '#888888', width: 1.5 * f.k },
					ticks: { color: TEXT, font: f.tick, autoSkip: false, maxRotation: 45, padding: 6 * f.k }
				},
				y: yAxis(f, false)
			}
		},
		plugins: [
			whiteBackground,
			lineLegendMarkers,
			unitLabel(spec.unit, f.note.size ?? 20, spec.locale),
			baselineLine(spec.baselineIndex, spec.labels.length, f.note.size ?? 20, f.k, spec.locale)
		]
	};
	return render(config, width, height);
}

/** A bar chart by category (e.g. child region), grouped or stacked. */
export async function barChartPng(spec: BarChartSpec): Promise<Buffer> {
	const { width, height } = size(spec);
	const { f, options } = commonOptions(spec.title, width);
	const stacked = spec.stacked ?? false;
	const config: ChartConfiguration<'bar', number[], string> = {
		type: 'bar',
		data: {
			labels: spec.labels,
			datasets: spec.series.map((s, i) => ({
				label: s.name,
				data: s.values,
				backgroundColor: s.color ?? BAR_COLORS[i % BAR_COLORS.length],
				borderColor: '#ffffff',
				borderWidth: stacked ? 1 * f.k : 0,
				maxBarThickness: 80 * f.k
			}))
		},
		options: {
			...options,
			scales: {
				x: {
					stacked,
					grid: { display: false },
					border: { color: '#888888', width: 1.5 * f.k },
					ticks: { color: TEXT, font: f.tick, autoSkip: false, maxRotation: 60, padding: 6 * f.k }
				},
				y: yAxis(f, stacked)
			}
		},
		plugins: [whiteBackground, unitLabel(spec.unit, f.note.size ?? 20, spec.locale)]
	};
	return render(config, width, height);
}

/**
 * The one size rule for the report's charts, in the Word file and the print view alike: 1200 px
 * wide, 600 high; many bars get 720, for their slanted names.
 */
export function reportChartSize(chart: ReportChart): { width: number; height: number } {
	const height = chart.type === 'bar' && chart.spec.labels.length > 8 ? 720 : DEFAULT_HEIGHT;
	return { width: DEFAULT_WIDTH, height };
}

/** A report chart drawn at its size, with the size (for the page's aspect ratio). */
export async function reportChartPng(
	chart: ReportChart
): Promise<{ png: Buffer; width: number; height: number }> {
	const size = reportChartSize(chart);
	const png =
		chart.type === 'line'
			? await lineChartPng({ ...chart.spec, ...size })
			: await barChartPng({ ...chart.spec, ...size });
	return { png, ...size };
}
