import { fail } from '@sveltejs/kit';
import { message, setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { m } from '$lib/paraglide/messages.js';
import { requireRole } from '$lib/server/auth/access';
import { listAudit } from '$lib/server/audit/audit.repository';
import { db } from '$lib/server/db';
import {
	getReportSettings,
	REPORT_SETTING_RANGE,
	setReportSettings,
	type ReportSettings
} from '$lib/server/reports/reports.service';
import { reportSettingsSchema } from '../../../../lib/forms/report-settings';
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
		const raw = await event.request.formData();
		const form = await superValidate(raw, zod4(reportSettingsSchema()));
		// Integer fields are parsed leniently (1.5 reads as 1): the typed text must be whole.
		for (const key of Object.keys(REPORT_SETTING_RANGE) as (keyof ReportSettings)[]) {
			if (!/^\s*\d+\s*$/.test(String(raw.get(key) ?? ''))) {
				const { min, max } = REPORT_SETTING_RANGE[key];
				setError(form, key, m.report_settings_error_range({ min, max }), { overwrite: true });
			}
		}
		if (!form.valid) return fail(400, { form });
		await setReportSettings(db(), admin.id, form.data);
		return message(form, m.report_settings_saved());
	}
};
