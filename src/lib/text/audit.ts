import { m } from '$lib/paraglide/messages.js';

// Audit rows store stable codes; people read them in their language.
const actions: Record<string, () => string> = {
	'sign_in.success': m.audit_sign_in_success,
	'sign_in.failure': m.audit_sign_in_failure,
	'sign_in.locked': m.audit_sign_in_locked,
	sign_out: m.audit_sign_out,
	'user.create': m.audit_user_create,
	'user.update': m.audit_user_update,
	'user.reset_password': m.audit_user_reset_password,
	'user.change_password': m.audit_user_change_password,
	'user.change_password_failure': m.audit_user_change_password_failure,
	'user.activate': m.audit_user_activate,
	'user.deactivate': m.audit_user_deactivate,
	'point.create': m.audit_point_create,
	'point.update': m.audit_point_update,
	'point.activate': m.audit_point_activate,
	'point.deactivate': m.audit_point_deactivate,
	'regions.import': m.audit_regions_import,
	'submission.create': m.audit_submission_create,
	'submission.answers': m.audit_submission_answers,
	'submission.submit': m.audit_submission_submit,
	'submission.accept': m.audit_submission_accept,
	'submission.return': m.audit_submission_return,
	'submission.reopen': m.audit_submission_reopen,
	'round.create': m.audit_round_create,
	'round.open': m.audit_round_open,
	'round.close': m.audit_round_close,
	'template.save_draft': m.audit_template_save_draft,
	'template.publish': m.audit_template_publish,
	'template.discard_draft': m.audit_template_discard_draft,
	'signboard.add': m.register_audit_signboard_add,
	'signboard.remove': m.register_audit_signboard_remove,
	'signboard.rehang': m.register_audit_signboard_rehang,
	'point_certificate.status': m.register_audit_point_certificate_status,
	'point_certificate.count': m.register_audit_point_certificate_count,
	'secondment.add': m.register_audit_secondment_add,
	'secondment.update': m.register_audit_secondment_update,
	'secondment.return': m.register_audit_secondment_return,
	'signboard_category.create': m.catalogue_audit_signboard_create,
	'signboard_category.update': m.catalogue_audit_signboard_update,
	'signboard_category.activate': m.catalogue_audit_signboard_activate,
	'signboard_category.deactivate': m.catalogue_audit_signboard_deactivate,
	'certificate_item.create': m.catalogue_audit_certificate_create,
	'certificate_item.update': m.catalogue_audit_certificate_update,
	'certificate_item.activate': m.catalogue_audit_certificate_activate,
	'certificate_item.deactivate': m.catalogue_audit_certificate_deactivate,
	'catalogue.import': m.catalogue_audit_import,
	'catalogue.starter': m.catalogue_audit_starter,
	'trend_rule.update': m.audit_trend_rule_update,
	'report.create': m.audit_report_create,
	'report_settings.update': m.audit_report_settings_update
};

export const entityTypes: Record<string, () => string> = {
	sign_in: m.audit_entity_sign_in,
	user: m.audit_entity_user,
	point: m.audit_entity_point,
	region: m.audit_entity_region,
	submission: m.audit_entity_submission,
	round: m.audit_entity_round,
	template: m.audit_entity_template,
	signboard: m.register_audit_entity_signboard,
	point_certificate: m.register_audit_entity_point_certificate,
	secondment: m.register_audit_entity_secondment,
	signboard_category: m.catalogue_audit_entity_signboard,
	certificate_item: m.catalogue_audit_entity_certificate,
	catalogue: m.catalogue_audit_entity_catalogue,
	trend_rule: m.audit_entity_trend_rule,
	report: m.audit_entity_report,
	report_settings: m.audit_entity_report_settings
};

export const actionLabel = (code: string) => actions[code]?.() ?? code;
export const entityLabel = (code: string) => entityTypes[code]?.() ?? code;

/** { field: [from, to] } reads as "field: from → to"; anything else as compact JSON. */
export function changeLines(json: string | null): string[] {
	if (!json) return [];
	let value: unknown;
	try {
		value = JSON.parse(json);
	} catch {
		return [json];
	}
	if (!value || typeof value !== 'object' || Array.isArray(value)) return [JSON.stringify(value)];
	return Object.entries(value as Record<string, unknown>).map(([key, v]) =>
		Array.isArray(v) && v.length === 2 && !Array.isArray(v[0])
			? `${key}: ${show(v[0])} → ${show(v[1])}`
			: `${key}: ${show(v)}`
	);
}

const show = (v: unknown) =>
	v === null || v === undefined ? '∅' : typeof v === 'string' ? v : JSON.stringify(v);
