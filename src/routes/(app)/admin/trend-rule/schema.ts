import { z } from 'zod';
import { SENSITIVITIES } from '$lib/domain/rebound';
import { m } from '$lib/paraglide/messages.js';

// Built per request so the messages follow the user's language. An empty baseline means each
// series' own first period.
export const trendRuleSchema = () =>
	z.object({
		baselinePeriod: z.string().trim().max(40, m.trends_rule_error_period()).default(''),
		sensitivity: z.enum(SENSITIVITIES, { message: m.trends_rule_error_sensitivity() }).default('standard')
	});
