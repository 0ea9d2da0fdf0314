import { isQuarterKey } from '$lib/domain/periods';
import { getLocale } from '$lib/paraglide/runtime';
import { canSeeRegion, notFound, requireRole } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import { barChartPng, lineChartPng } from '$lib/server/reports/chart-png';
import { loadReportData } from '$lib/server/reports/report-data';
import {
	reportFront,
	reportSections,
	type ReportBlock,
	type ReportChart,
	type ReportLocale,
	type ReportSection
} from '$lib/server/reports/report-text';
import { findRegion } from '$lib/server/regions/regions.repository';
import type { PageServerLoad } from './$types';
import { REPORT_READERS } from '../report-access.server';

/** A chart block as the page draws it: the server-drawn PNG inlined (the CSP allows data: images). */
export type PrintBlock =
	Exclude<ReportBlock, { kind: 'chart' }> | { kind: 'chart'; id: string; caption: string; src: string };
export interface PrintSection extends Omit<ReportSection, 'blocks'> {
	blocks: PrintBlock[];
}

async function chartSrc(chart: ReportChart): Promise<string> {
	const png =
		chart.type === 'line'
			? await lineChartPng({ ...chart.spec, width: 1200, height: 600 })
			: await barChartPng({
					...chart.spec,
					width: 1200,
					height: chart.spec.labels.length > 8 ? 720 : 600
				});
	return `data:image/png;base64,${png.toString('base64')}`;
}

// The same report the files hold, drawn live from the same data and words, for the region and
// quarter in the query. Outside the reader's scope, an unknown region or a bad quarter: 404.
export const load: PageServerLoad = async (event) => {
	const user = requireRole(event, ...REPORT_READERS);
	const q = event.url.searchParams;
	const regionCode = q.get('region') ?? '';
	const quarter = q.get('quarter') ?? '';
	if (!isQuarterKey(quarter) || !canSeeRegion(user, regionCode) || !(await findRegion(db(), regionCode)))
		notFound();
	const lang = q.get('lang');
	const locale: ReportLocale = lang === 'zh' || lang === 'en' ? lang : getLocale() === 'en' ? 'en' : 'zh';
	const issuer = (q.get('issuer') ?? '').trim().slice(0, 200) || undefined;

	const data = await loadReportData(db(), user, { regionCode, quarter, issuer, locale });
	const front = reportFront(data, locale);
	const sections: PrintSection[] = await Promise.all(
		reportSections(data, locale).map(async (section) => ({
			...section,
			blocks: await Promise.all(
				section.blocks.map(async (block): Promise<PrintBlock> =>
					block.kind === 'chart'
						? { kind: 'chart', id: block.id, caption: block.caption, src: await chartSrc(block.chart) }
						: block
				)
			)
		}))
	);
	return { front, sections, locale, title: front.title };
};
