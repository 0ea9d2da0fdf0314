// The limits on the shared report queue and how long finished files are kept: the admin's
// setting, each figure within its range, with defaults for anything missing or out of range.

export interface ReportSettings {
	/** Pending (queued or running) reports one user may have. */
	perUser: number;
	/** Pending reports on one region, whoever asked. */
	perRegion: number;
	/** Days a finished report's files are kept. */
	retentionDays: number;
}

export const DEFAULT_REPORT_SETTINGS: ReportSettings = { perUser: 3, perRegion: 10, retentionDays: 30 };
export const REPORT_SETTING_RANGE: Record<keyof ReportSettings, { min: number; max: number }> = {
	perUser: { min: 1, max: 50 },
	perRegion: { min: 1, max: 200 },
	retentionDays: { min: 1, max: 3650 }
};

/** A stored value out of range or of the wrong type falls back to the default, field by field. */
export function reportSettingsFrom(raw: unknown): ReportSettings {
	const stored = (raw && typeof raw === 'object' ? raw : {}) as Partial<
		Record<keyof ReportSettings, unknown>
	>;
	const pick = (k: keyof ReportSettings) => {
		const v = stored[k];
		const { min, max } = REPORT_SETTING_RANGE[k];
		return Number.isInteger(v) && (v as number) >= min && (v as number) <= max
			? (v as number)
			: DEFAULT_REPORT_SETTINGS[k];
	};
	return { perUser: pick('perUser'), perRegion: pick('perRegion'), retentionDays: pick('retentionDays') };
}
