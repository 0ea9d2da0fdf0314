// Loaded on demand (import() in onMount), so the first page load on a weak phone network carries
// no chart code. Only the parts a line chart needs are registered, which keeps the chunk small.
import {
	CategoryScale,
	Chart,
	Filler,
	LinearScale,
	LineController,
	LineElement,
	PointElement,
	Tooltip,
	type ChartConfiguration,
	type ChartType,
	type Plugin
} from 'chart.js';
import type { LineStyle } from './styles';

declare module 'chart.js' {
	// eslint-disable-next-line @typescript-eslint/no-unused-vars -- must match chart.js's declaration
	interface PluginOptionsByType<TType extends ChartType> {
		/** The baseline period's index on the x axis, and the word to write beside its line. */
		baseline?: { index: number; label: string } | false;
	}
}

Chart.register(CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Filler);
Chart.defaults.font.family =
	"system-ui, -apple-system, 'PingFang SC', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif";
Chart.defaults.color = '#3a3f45';

/** A dashed vertical line at the baseline period, labelled. */
const baselinePlugin: Plugin<'line'> = {
	id: 'baseline',
	afterDatasetsDraw(chart, _args, options) {
		const o = options as { index?: number; label?: string } | false;
		if (!o || o.index === undefined || o.index < 0) return;
		const x = chart.scales.x.getPixelForValue(o.index);
		const { top, bottom } = chart.chartArea;
		const ctx = chart.ctx;
		ctx.save();
		ctx.strokeStyle = '#555b63';
		ctx.lineWidth = 1.5;
		ctx.setLineDash([5, 4]);
		ctx.beginPath();
		ctx.moveTo(x, top);
		ctx.lineTo(x, bottom);
		ctx.stroke();
		ctx.setLineDash([]);
		ctx.fillStyle = '#3a3f45';
		ctx.font = `600 12px ${Chart.defaults.font.family}`;
		const width = ctx.measureText(o.label ?? '').width;
		// Beside the line, inside the plot; flipped to the left when it would run off the edge.
		const left = x + 4 + width > chart.chartArea.right ? x - 4 - width : x + 4;
		ctx.textBaseline = 'top';
		// A white ground keeps the word legible where it crosses a line or a point.
		ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
		ctx.fillRect(left - 2, top + 1, width + 4, 15);
		ctx.fillStyle = '#3a3f45';
		ctx.fillText(o.label ?? '', left, top + 2);
		ctx.restore();
	}
};

/** A white page behind the lines, so a downloaded PNG is not transparent. */
const whiteBackground: Plugin<'line'> = {
	id: 'whiteBackground',
	beforeDraw(chart) {
		const ctx = chart.ctx;
		ctx.save();
		ctx.globalCompositeOperation = 'destination-over';
		ctx.fillStyle = '#ffffff';
		ctx.fillRect(0, 0, chart.width, chart.height);
		ctx.restore();
	}
};

export interface ChartSeries {
	label: string;
	values: (number | null)[];
	style: LineStyle;
	/** Percentages go on their own axis on the right when mixed with counts. */
	percent: boolean;
}

export interface ChartInput {
	labels: string[];
	series: ChartSeries[];
	baselineIndex: number;
	baselineLabel: string;
	compact: boolean;
	format: (value: number, series: ChartSeries) => string;
}

export function createChart(canvas: HTMLCanvasElement, input: ChartInput): Chart<'line'> {
	const mixed = input.series.some((s) => s.percent) && input.series.some((s) => !s.percent);
	const config: ChartConfiguration<'line', (number | null)[], string> = {
		type: 'line',
		data: {
			labels: input.labels,
			datasets: input.series.map((s) => ({
				label: s.label,
				data: s.values,
				borderColor: s.style.color,
				backgroundColor: s.style.color,
				borderDash: [...s.style.dash],
				borderWidth: input.compact ? 1.75 : 2.25,
				pointStyle: s.style.point,
				pointRadius: input.compact ? 3 : 4.5,
				pointHoverRadius: input.compact ? 4 : 6,
				spanGaps: false,
				tension: 0,
				yAxisID: mixed && s.percent ? 'y1' : 'y'
			}))
		},
		options: {
			responsive: true,
			maintainAspectRatio: false,
			animation: false,
			interaction: { mode: 'index', intersect: false },
			layout: { padding: { top: 4, right: 6 } },
			scales: {
				x: {
					ticks: {
						maxRotation: 0,
						autoSkip: true,
						autoSkipPadding: 8,
						font: { size: input.compact ? 10 : 11 }
					},
					grid: { display: false }
				},
				y: {
					beginAtZero: true,
					ticks: {
						precision: 0,
						maxTicksLimit: input.compact ? 4 : 6,
						font: { size: input.compact ? 10 : 11 }
					},
					grid: { color: '#e4e6e9' }
				},
				...(mixed
					? {
							y1: {
								position: 'right' as const,
								beginAtZero: true,
								max: 100,
								ticks: { callback: (v: string | number) => `${v}%`, maxTicksLimit: 6, font: { size: 11 } },
								grid: { display: false }
							}
						}
					: {})
			},
			plugins: {
				legend: { display: false },
				tooltip: {
					usePointStyle: true,
					callbacks: {
						label: (item) => {
							const s = input.series[item.datasetIndex];
							return `${s.label}: ${input.format(item.parsed.y ?? 0, s)}`;
						}
					}
				},
				baseline:
					input.baselineIndex >= 0 ? { index: input.baselineIndex, label: input.baselineLabel } : false
			}
		},
		plugins: [baselinePlugin, whiteBackground]
	};
	return new Chart(canvas, config);
}
