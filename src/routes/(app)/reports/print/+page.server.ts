import { redirect } from '@sveltejs/kit';
import { isQuarterKey } from '$lib/domain/periods';
import { getLocale } from '$lib/paraglide/runtime';
import { notFound, requireRole } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import { reportChartPng } from '$lib/server/reports/chart-png';
import type { ReportBlock, ReportSection } from '$lib/server/reports/report-text';
import { findPrintedReport, printableReport, type StoredReport } from '$lib/server/reports/reports.service';
import type { ReportLocale } from '$lib/text/reports';
import type { PageServerLoad } from './$types';
import { printHref, REPORT_READERS, refusedError, requireReport } from '../report-access.server';

/** A chart block as the page draws it: the server-drawn PNG inlined (the CSP allows data: images). */
export type PrintBlock =
	Exclude<ReportBlock, { kind: 'chart' }> | { kind: 'chart'; id: string; caption: string; src: string };
export interface PrintSection extends Omit<ReportSection, 'blocks'> {
	blocks: PrintBlock[];
}

async function printBlock(block: ReportBlock): Promise<PrintBlock> {
	if (block.kind !== 'chart') return block;
	const { png } = await reportChartPng(block.chart);
	return {
		kind: 'chart',
		id: block.id,
		caption: block.caption,
		src: `data:image/png;base64,${png.toString('base64')}`
	};
}

/**
 * The address the print view had before reports stored their words: the region, quarter, issuer
 * and language. It now goes to the newest finished report asked with those; none in scope: 404.
 */
async function earlierAddress(event: Parameters<PageServerLoad>[0]): Promise<never> {
	const user = requireRole(event, ...REPORT_READERS);
	const q = event.url.searchParams;
	const quarter = q.get('quarter') ?? '';
	const lang = q.get('lang');
	const locale: ReportLocale = lang === 'zh' || lang === 'en' ? lang : getLocale() === 'en' ? 'en' : 'zh';
	if (!isQuarterKey(quarter)) notFound();
	const id = await findPrintedReport(db(), user, {
		regionCode: q.get('region') ?? '',
		quarter,
		issuer: (q.get('issuer') ?? '').trim().slice(0, 200),
		locale
	});
	if (id === undefined) notFound();
	redirect(307, printHref({ id, status: 'done', printable: true })!);
}

// The report as its files hold it, from the words the report job stored: the same sections the
// Word document lays out, with the charts drawn at the same size. Out of scope or unknown: 404.
export const load: PageServerLoad = async (event) => {
	if (!event.url.searchParams.has('report')) return earlierAddress(event);
	const { report } = await requireReport(event, event.url.searchParams.get('report'));
	let stored: StoredReport;
	try {
		stored = await printableReport(db(), report);
	} catch (e) {
		refusedError(e);
	}
	const sections: PrintSection[] = await Promise.all(
		stored.sections.map(async (section) => ({
			...section,
			blocks: await Promise.all(section.blocks.map(printBlock))
		}))
	);
	return { front: stored.front, sections, locale: stored.locale, title: stored.front.title };
};
