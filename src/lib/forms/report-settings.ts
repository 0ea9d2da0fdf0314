import { z } from 'zod';
import { m } from '$lib/paraglide/messages.js';
import { REPORT_SETTING_RANGE, type ReportSettings } from '$lib/server/reports/reports.service';

// Built per request so the messages follow the user's language.
const whole = (key: keyof ReportSettings) => {
	const { min, max } = REPORT_SETTING_RANGE[key];
	const message = m.report_settings_error_range({ min, max });
	return z.number({ error: message }).int(message).min(min, message).max(max, message);
};

export const reportSettingsSchema = () =>
	z.object({
		perUser: whole('perUser'),
		perRegion: whole('perRegion'),
		retentionDays: whole('retentionDays')
	});
