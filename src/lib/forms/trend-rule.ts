import { z } from 'zod';
import { SENSITIVITIES } from '$lib/domain/rebound';
import { m } from '$lib/paraglide/messages.js';
import { text } from '$lib/forms/text-rule';

// Built per request so the messages follow the user's language. An empty baseline means each
// series' own first period.
export const trendRuleSchema = () =>
	z.object({
		baselinePeriod: text(40).default(''),
		sensitivity: z.enum(SENSITIVITIES, { message: m.trends_rule_error_sensitivity() }).default('standard')
	});
