import type { IndicatorTrend, DashboardData } from '$lib/domain/trend-view';
import type { ChartInput } from './chart-setup';
import { indicatorName, periodLabel, withUnit } from '../text/trends';
import { lineStyle } from './styles';

/** The chart's data for some of the dashboard's indicators; styles follow their order. */
export function chartInput(
	d: DashboardData,
	trends: IndicatorTrend[],
	baselineLabel: string
): Omit<ChartInput, 'compact'> {
	return {
		labels: d.shown.map((p) => periodLabel(p.key)),
		series: trends.map((t, i) => ({
			label: indicatorName(t.indicator),
			values: t.values.map((v) => v.value),
			style: lineStyle(i),
			percent: t.unit === 'percent'
		})),
		baselineIndex: d.baselinePeriod ? d.shown.findIndex((p) => p.key === d.baselinePeriod) : -1,
		baselineLabel,
		format: (value, s) =>
			withUnit(value, trends.find((t) => indicatorName(t.indicator) === s.label)?.unit ?? 'count')
	};
}

/** Saves a data URL under a name, through a temporary link. */
export function download(url: string, fileName: string): void {
	const a = document.createElement('a');
	a.href = url;
	a.download = fileName;
	document.body.append(a);
	a.click();
	a.remove();
}
