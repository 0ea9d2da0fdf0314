import { z } from 'zod';
import { m } from '$lib/paraglide/messages.js';

// Built per request so the messages follow the user's language. An empty baseline means each
// series' own first period.
export const trendRuleSchema = () =>
	z.object({
		baselinePeriod: z.string().trim().max(40, m.trends_rule_error_period()).default(''),
		cancelledThreshold: z
			.number({ message: m.trends_rule_error_integer() })
			.min(0, m.trends_rule_error_integer())
			.max(1_000_000, m.trends_rule_error_integer())
			// Not .int(): the form would read "1.5" as 1 without a word. A number refused is clearer.
			.refine(Number.isInteger, m.trends_rule_error_integer()),
		relativeThresholdPct: z
			.number({ message: m.trends_rule_error_pct() })
			.min(0, m.trends_rule_error_pct())
			.max(100, m.trends_rule_error_pct())
	});
