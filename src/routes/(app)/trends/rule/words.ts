// The rule's words, shared by the explanation (/trends/rule) and the admin form
// (/admin/trend-rule): the sensitivities' names and meanings, and a rule in one line.
import { periodLabel } from '$lib/text/trends';
import type { TrendRule } from '$lib/domain/indicators';
import type { Sensitivity } from '$lib/domain/rebound';
import { m } from '$lib/paraglide/messages.js';

const names: Record<Sensitivity, () => string> = {
	sensitive: m.trends_rule_sensitivity_sensitive,
	standard: m.trends_rule_sensitivity_standard,
	robust: m.trends_rule_sensitivity_robust
};
const meanings: Record<Sensitivity, () => string> = {
	sensitive: m.trends_rule_sensitivity_sensitive_desc,
	standard: m.trends_rule_sensitivity_standard_desc,
	robust: m.trends_rule_sensitivity_robust_desc
};

export const sensitivityName = (s: Sensitivity) => names[s]();
export const sensitivityMeaning = (s: Sensitivity) => meanings[s]();

/** 基线期 2025年第1季度，灵敏度“标准”. */
export const ruleSummary = (rule: TrendRule) =>
	m.trends_rule_summary({
		baseline: rule.baselinePeriod ? periodLabel(rule.baselinePeriod) : m.trends_rule_baseline_each_option(),
		sensitivity: sensitivityName(rule.sensitivity)
	});
