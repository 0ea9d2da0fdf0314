import { z } from 'zod';
import { REPORT_SETTING_RANGE, type ReportSettings } from '$lib/domain/report-settings';
import { m } from '$lib/paraglide/messages.js';
import { text } from '$lib/forms/text-rule';

// Built per request so the messages follow the user's language.

/** The issuing office as printed under the report's title. */
export const ISSUER_MAX = 200;

/** A report asked for: the region, the quarter, the issuing office (blank: the default) and the language. */
export const reportRequestSchema = () =>
	z.object({
		regionCode: text(12).min(1, m.field_choose()),
		quarter: text(8).min(1, m.field_choose()),
		issuer: text(ISSUER_MAX).default(''),
		locale: z.enum(['zh', 'en'], { message: m.field_choose() })
	});

// A whole number in range. Not `.int()`: the form would then read 1.5 as 1 (parseInt); as a plain
// number it reads 1.5, which the whole-number check refuses.
const whole = (key: keyof ReportSettings) => {
	const { min, max } = REPORT_SETTING_RANGE[key];
	const message = m.report_settings_error_range({ min, max });
	return z
		.number({ error: message })
		.min(min, message)
		.max(max, message)
		.refine((v) => Number.isInteger(v), message);
};

export const reportSettingsSchema = () =>
	z.object({
		perUser: whole('perUser'),
		perRegion: whole('perRegion'),
		retentionDays: whole('retentionDays')
	});
