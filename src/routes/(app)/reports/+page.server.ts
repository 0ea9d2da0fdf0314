import { fail, redirect } from '@sveltejs/kit';
import { superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { reportRequestSchema } from '$lib/forms/report-settings';
import { getLocale } from '$lib/paraglide/runtime';
import { readerScope, requireRole } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import { refusedForm } from '$lib/server/forms/refused';
import { regionChoices } from '$lib/server/reports/report.queries';
import {
	defaultQuarter,
	getReportSettings,
	listReports,
	pendingCounts,
	reportQuarters,
	requestReport
} from '$lib/server/reports/reports.service';
import type { Actions, PageServerLoad } from './$types';
import { printHref, REPORT_READERS } from './report-access.server';

export const load: PageServerLoad = async (event) => {
	const user = requireRole(event, ...REPORT_READERS);
	const scope = readerScope(user);
	const [regions, quarters, reports, settings, pending] = await Promise.all([
		regionChoices(db(), scope),
		reportQuarters(db()),
		listReports(db(), scope),
		getReportSettings(db()),
		pendingCounts(db(), user.id)
	]);
	const prints = reports.flatMap((r) => {
		const href = printHref(r);
		return href ? [[r.id, href] as const] : [];
	});
	const form = await superValidate(zod4(reportRequestSchema()));
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
		const form = await superValidate(event.request, zod4(reportRequestSchema()));
		if (!form.valid) return fail(400, { form });
		let outcome: { id: number; existing: boolean };
		try {
			outcome = await requestReport(db(), user, form.data);
		} catch (e) {
			return refusedForm(form, e);
		}
		// The same report already pending: its page, with a word on why no new one was queued.
		redirect(303, outcome.existing ? `/reports/${outcome.id}?pending=1` : `/reports/${outcome.id}`);
	}
};
