import { fail, redirect } from '@sveltejs/kit';
import { message, setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { z } from 'zod';
import { chinaDate } from '$lib/domain/periods';
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime';
import { canSeeRegion, readerScope, requireRole } from '$lib/server/auth/access';
import { db, type Db } from '$lib/server/db';
import { isQuarterKey, quarterOf } from '$lib/domain/periods';
import {
	getReportSettings,
	listReports,
	pendingCounts,
	requestReport
} from '$lib/server/reports/reports.service';
import { listIndicatorPeriods } from '$lib/server/trends/indicators.service';
import { text } from '$lib/forms/text-rule';
import type { Actions, PageServerLoad } from './$types';
import { printHref, REPORT_READERS } from './report-access.server';

const ISSUER_MAX = 200;

const reportSchema = () =>
	z.object({
		regionCode: text(12).min(1, m.field_choose()),
		quarter: text(8).min(1, m.field_choose()),
		issuer: text(ISSUER_MAX).default(''),
		locale: z.enum(['zh', 'en'], { message: m.field_choose() })
	});

/** Quarters that wholly contain at least one period with figures, newest first. */
async function quartersWithData(db: Db): Promise<string[]> {
	const keys = new Set<string>();
	for (const p of await listIndicatorPeriods(db)) {
		const q = quarterOf(p.start);
		if (q === quarterOf(p.end)) keys.add(q);
	}
	return [...keys].sort().reverse();
}

/** The last quarter that has ended in China time, or the newest one with data before it. */
function defaultQuarter(quarters: string[]): string {
	const current = quarterOf(chinaDate());
	return quarters.find((q) => q < current) ?? quarters[0] ?? '';
}

/** The user's region and everything below it down to county level; all of them for admins. */
async function regionChoices(db: Db, scope: string | null) {
	return db
		.selectFrom('regions')
		.select(['code', 'name', 'level'])
		.$if(scope !== null, (q) =>
			q.where((eb) =>
				eb.and([eb('code', 'like', `${scope}%`), eb.or([eb('level', '<=', 3), eb('code', '=', scope!)])])
			)
		)
		.$if(scope === null, (q) => q.where('level', '<=', 3))
		.orderBy('code')
		.execute();
}

export const load: PageServerLoad = async (event) => {
	const user = requireRole(event, ...REPORT_READERS);
	const scope = readerScope(user);
	const [regions, quarters, reports, settings, pending] = await Promise.all([
		regionChoices(db(), scope),
		quartersWithData(db()),
		listReports(db(), scope),
		getReportSettings(db()),
		pendingCounts(db(), user.id)
	]);
	const prints = reports.filter((r) => r.status === 'done').map((r) => [r.id, printHref(r)] as const);
	const form = await superValidate(zod4(reportSchema()));
	form.data.regionCode = scope && regions.some((r) => r.code === scope) ? scope : (regions[0]?.code ?? '');
	form.data.quarter = defaultQuarter(quarters);
	form.data.locale = getLocale() === 'en' ? 'en' : 'zh';
	// Only the regions offered: counts elsewhere are not this reader's business.
	const pendingByRegion = Object.fromEntries(regions.map((r) => [r.code, pending.byRegion[r.code] ?? 0]));
	return {
		form,
		regions,
		quarters,
		reports,
		prints: Object.fromEntries(prints),
		limits: { ...settings, mine: pending.mine, byRegion: pendingByRegion }
	};
};

export const actions: Actions = {
	default: async (event) => {
		const user = requireRole(event, ...REPORT_READERS);
		const form = await superValidate(event.request, zod4(reportSchema()));
		if (!form.valid) return fail(400, { form });
		const { regionCode, quarter, issuer, locale } = form.data;
		const region = await db()
			.selectFrom('regions')
			.select(['code'])
			.where('code', '=', regionCode)
			.executeTakeFirst();
		if (!region || !canSeeRegion(user, regionCode))
			return setError(form, 'regionCode', m.reports_region_outside());
		if (!isQuarterKey(quarter) || !(await quartersWithData(db())).includes(quarter))
			return setError(form, 'quarter', m.reports_bad_quarter());
		const outcome = await requestReport(db(), user.id, { regionCode, quarter, issuer, locale });
		if (!outcome.ok)
			return message(
				form,
				outcome.limit === 'user'
					? m.reports_limit_user({ max: outcome.max })
					: m.reports_limit_region({ max: outcome.max }),
				{ status: 429 }
			);
		// The same report already pending: its page, with a word on why no new one was queued.
		redirect(303, outcome.existing ? `/reports/${outcome.id}?pending=1` : `/reports/${outcome.id}`);
	}
};
