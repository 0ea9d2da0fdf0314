import { fail } from '@sveltejs/kit';
import { message, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { m } from '$lib/paraglide/messages.js';
import { trendRuleSchema } from '$lib/forms/trend-rule';
import { requireRole } from '$lib/server/auth/access';
import { listAudit } from '$lib/server/audit/audit.repository';
import { db } from '$lib/server/db';
import { refusedForm } from '$lib/server/forms/refused';
import {
	getTrendRule,
	listIndicatorPeriods,
	pendingRebuild,
	setTrendRule
} from '$lib/server/trends/indicators.service';
import { sensitivityPreview } from '$lib/server/trends/trends.queries';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const [rule, pending, preview, periods, history] = await Promise.all([
		getTrendRule(db()),
		pendingRebuild(db()),
		sensitivityPreview(db()),
		listIndicatorPeriods(db()),
		listAudit(db(), { entityType: 'trend_rule', limit: 20 })
	]);
	// The form starts from the rule that will be in force: the one being applied, if any.
	const next = pending?.rule ?? rule;
	const form = await superValidate(
		{ baselinePeriod: next.baselinePeriod ?? '', sensitivity: next.sensitivity },
		zod4(trendRuleSchema())
	);
	return { form, rule, pending, preview, periods, history };
};

export const actions: Actions = {
	save: async (event) => {
		const admin = requireRole(event, 'admin');
		const form = await superValidate(event.request, zod4(trendRuleSchema()));
		if (!form.valid) return fail(400, { form });
		try {
			await setTrendRule(db(), admin.id, {
				baselinePeriod: form.data.baselinePeriod || null,
				sensitivity: form.data.sensitivity
			});
		} catch (e) {
			return refusedForm(form, e);
		}
		return message(form, m.trends_rule_saved_rebuilding());
	}
};
