import { fail } from '@sveltejs/kit';
import { message, setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { m } from '$lib/paraglide/messages.js';
import { requireRole } from '$lib/server/auth/access';
import { listAudit } from '$lib/server/audit/audit.repository';
import { db } from '$lib/server/db';
import { getTrendRule, listIndicatorPeriods, setTrendRule } from '$lib/server/trends/indicators.service';
import { trendRuleSchema } from './schema';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const [rule, periods, history] = await Promise.all([
		getTrendRule(db()),
		listIndicatorPeriods(db()),
		listAudit(db(), { entityType: 'trend_rule', limit: 20 })
	]);
	const form = await superValidate(
		{
			baselinePeriod: rule.baselinePeriod ?? '',
			cancelledThreshold: rule.cancelledThreshold,
			relativeThresholdPct: rule.relativeThresholdPct
		},
		zod4(trendRuleSchema())
	);
	return { form, periods, history };
};

export const actions: Actions = {
	save: async (event) => {
		const admin = requireRole(event, 'admin');
		const form = await superValidate(event.request, zod4(trendRuleSchema()));
		if (!form.valid) return fail(400, { form });
		const baseline = form.data.baselinePeriod || null;
		if (baseline && !(await listIndicatorPeriods(db())).some((p) => p.key === baseline))
			return setError(form, 'baselinePeriod', m.trends_rule_error_period());
		await setTrendRule(db(), admin.id, {
			baselinePeriod: baseline,
			cancelledThreshold: form.data.cancelledThreshold,
			relativeThresholdPct: form.data.relativeThresholdPct
		});
		return message(form, m.trends_rule_saved());
	}
};
