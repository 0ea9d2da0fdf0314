import { fail } from '@sveltejs/kit';
import { message, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { reportSettingsSchema } from '$lib/forms/report-settings';
import { m } from '$lib/paraglide/messages.js';
import { requireRole } from '$lib/server/auth/access';
import { listAudit } from '$lib/server/audit/audit.repository';
import { db } from '$lib/server/db';
import { getReportSettings, setReportSettings } from '$lib/server/reports/reports.service';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const [settings, history] = await Promise.all([
		getReportSettings(db()),
		listAudit(db(), { entityType: 'report_settings', limit: 20 })
	]);
	const form = await superValidate(settings, zod4(reportSettingsSchema()));
	return { form, history };
};

export const actions: Actions = {
	save: async (event) => {
		const admin = requireRole(event, 'admin');
		const form = await superValidate(event.request, zod4(reportSettingsSchema()));
		if (!form.valid) return fail(400, { form });
		await setReportSettings(db(), admin.id, form.data);
		return message(form, m.report_settings_saved());
	}
};
