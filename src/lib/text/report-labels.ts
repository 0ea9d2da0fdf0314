// The words of the report's workbook and CSV: sheet names, column headers and the names of
// states and categories, in the report's language (not the reader's), bound once per language.
import { indicatorDef, type IndicatorKey } from '$lib/domain/indicators';
import { m } from '$lib/paraglide/messages.js';
import type { ReportLocale } from '$lib/text/reports';
import { unitName } from '$lib/text/trends';

function build(locale: ReportLocale) {
	const o = { locale };
	return {
		sheetSummary: m.report_xlsx_sheet_summary({}, o),
		sheetIndicators: m.report_xlsx_sheet_indicators({}, o),
		sheetSubmissions: m.report_xlsx_sheet_submissions({}, o),
		sheetSignboards: m.report_xlsx_sheet_signboards({}, o),
		sheetCertificates: m.report_xlsx_sheet_certificates({}, o),
		sheetSecondments: m.report_xlsx_sheet_secondments({}, o),
		sheetLate: m.report_xlsx_sheet_late({}, o),
		sheetRebounds: m.report_xlsx_sheet_rebounds({}, o),
		judged: m.report_xlsx_col_judged({}, o),
		flaggedIndicators: m.report_xlsx_col_flagged_indicators({}, o),
		why: m.report_xlsx_col_why({}, o),
		region: m.report_xlsx_region({}, o),
		quarter: m.report_xlsx_quarter({}, o),
		period: m.report_xlsx_period({}, o),
		issuer: m.report_xlsx_issuer({}, o),
		issuedOn: m.report_xlsx_issued_on({}, o),
		figuresHeading: m.report_xlsx_figures_heading({}, o),
		reportingHeading: m.report_xlsx_reporting_heading({}, o),
		rounds: m.report_xlsx_rounds({}, o),
		overall: m.report_xlsx_overall({}, o),
		wholeRegion: m.report_xlsx_whole_region({}, o),
		noData: m.report_xlsx_no_data({}, o),
		indicator: m.report_xlsx_col_indicator({}, o),
		unit: m.report_xlsx_col_unit({}, o),
		latest: m.report_xlsx_col_latest({}, o),
		previous: m.report_xlsx_col_previous({}, o),
		baseline: m.report_xlsx_col_baseline({}, o),
		vsPrevious: m.report_xlsx_col_vs_previous({}, o),
		vsBaseline: m.report_xlsx_col_vs_baseline({}, o),
		holding: m.report_xlsx_col_holding({}, o),
		rebounding: m.report_xlsx_col_rebounding({}, o),
		points: m.report_xlsx_col_points({}, o),
		targets: m.report_xlsx_col_targets({}, o),
		onTime: m.report_xlsx_col_on_time({}, o),
		late: m.report_xlsx_col_late({}, o),
		missing: m.report_xlsx_col_missing({}, o),
		accepted: m.report_xlsx_col_accepted({}, o),
		rate: m.report_xlsx_col_rate({}, o),
		code: m.report_xlsx_col_code({}, o),
		regionName: m.report_xlsx_col_region({}, o),
		county: m.report_xlsx_col_county({}, o),
		township: m.report_xlsx_col_township({}, o),
		point: m.report_xlsx_col_point({}, o),
		round: m.report_xlsx_col_round({}, o),
		status: m.report_xlsx_col_status({}, o),
		isLate: m.report_xlsx_col_is_late({}, o),
		submittedAt: m.report_xlsx_col_submitted_at({}, o),
		reviewedAt: m.report_xlsx_col_reviewed_at({}, o),
		signText: m.report_xlsx_col_sign_text({}, o),
		category: m.report_xlsx_col_category({}, o),
		categoryStatus: m.report_xlsx_col_category_status({}, o),
		placement: m.report_xlsx_col_placement({}, o),
		signState: m.report_xlsx_col_sign_state({}, o),
		lastDate: m.report_xlsx_col_last_date({}, o),
		rehung: m.report_xlsx_col_rehung({}, o),
		rebound: m.report_xlsx_col_rebound({}, o),
		certItem: m.report_xlsx_col_cert_item({}, o),
		certItemStatus: m.report_xlsx_col_cert_item_status({}, o),
		certIssuing: m.report_xlsx_col_cert_issuing({}, o),
		periodStart: m.report_xlsx_col_period_start({}, o),
		periodEnd: m.report_xlsx_col_period_end({}, o),
		issued: m.report_xlsx_col_issued({}, o),
		violation: m.report_xlsx_col_violation({}, o),
		person: m.report_xlsx_col_person({}, o),
		post: m.report_xlsx_col_post({}, o),
		borrowingUnit: m.report_xlsx_col_borrowing_unit({}, o),
		startDate: m.report_xlsx_col_start_date({}, o),
		expectedEnd: m.report_xlsx_col_expected_end({}, o),
		returnDate: m.report_xlsx_col_return_date({}, o),
		secondmentState: m.report_xlsx_col_secondment_state({}, o),
		approved: m.report_xlsx_col_approved({}, o),
		approvalRef: m.report_xlsx_col_approval_ref({}, o),
		overdue: m.report_xlsx_col_overdue({}, o),
		dueOn: m.report_xlsx_col_due_on({}, o),
		lateState: m.report_xlsx_col_late_state({}, o),
		yes: m.report_xlsx_yes({}, o),
		no: m.report_xlsx_no({}, o),
		stateLate: m.report_xlsx_state_late({}, o),
		stateMissing: m.report_xlsx_state_missing({}, o),
		submissionState: {
			submitted: m.state_submitted({}, o),
			returned: m.state_returned({}, o),
			accepted: m.state_accepted({}, o),
			draft: m.state_draft({}, o)
		} as Record<string, string>,
		placements: {
			exterior: m.register_placement_exterior({}, o),
			interior: m.register_placement_interior({}, o),
			wall: m.register_placement_wall({}, o)
		} as Record<string, string>,
		categoryStatuses: {
			cancelled: m.catalogue_status_cancelled({}, o),
			kept: m.catalogue_status_kept({}, o),
			retained: m.catalogue_status_retained({}, o)
		} as Record<string, string>,
		signStates: {
			hung: m.register_state_hung({}, o),
			removed: m.register_state_removed({}, o)
		} as Record<string, string>,
		certStatuses: {
			issuing: m.register_cert_issuing({}, o),
			stopped: m.register_cert_stopped({}, o)
		} as Record<string, string>,
		secondmentStates: {
			active: m.register_secondment_active({}, o),
			returned: m.register_secondment_returned({}, o),
			upcoming: m.register_secondment_upcoming({}, o)
		} as Record<string, string>
	};
}

export type ReportLabels = ReturnType<typeof build>;

const bound = new Map<ReportLocale, ReportLabels>();

/** The labels in one language; the messages are read once per language and process. */
export function reportLabels(locale: ReportLocale): ReportLabels {
	let l = bound.get(locale);
	if (!l) bound.set(locale, (l = build(locale)));
	return l;
}

/** An indicator's unit (块, 次, %) in the report's language. */
export function unitLabel(key: IndicatorKey, locale: ReportLocale): string {
	const def = indicatorDef(key);
	return def ? unitName(def.unit, locale) : '';
}
