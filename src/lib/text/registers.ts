// Register labels and refusals in the user's language; the database keeps stable codes.
import { m } from '$lib/paraglide/messages.js';
import { photoProblemMessage } from '$lib/text/photos';

export const placementLabels = {
	exterior: m.register_placement_exterior,
	interior: m.register_placement_interior,
	wall: m.register_placement_wall
} as const;

export const signboardStateLabels = {
	hung: m.register_state_hung,
	removed: m.register_state_removed,
	rehung: m.register_state_rehung,
	rebound: m.register_state_rebound
} as const;

export const certificateStatusLabels = {
	issuing: m.register_cert_issuing,
	stopped: m.register_cert_stopped
} as const;

export const secondmentStateLabels = {
	active: m.register_secondment_active,
	returned: m.register_secondment_returned,
	upcoming: m.register_secondment_upcoming
} as const;

export const timelineLabels = {
	signboard_hung: m.register_tl_signboard_hung,
	signboard_removed: m.register_tl_signboard_removed,
	signboard_rehung: m.register_tl_signboard_rehung,
	certificate_status: m.register_tl_certificate_status,
	certificate_count: m.register_tl_certificate_count,
	secondment_start: m.register_tl_secondment_start,
	secondment_return: m.register_tl_secondment_return
} as const;

/** A refusal code from the register services (see register-result.ts). */
export function registerProblemMessage(problem: string): string {
	switch (problem) {
		case 'required':
			return m.field_required();
		case 'date_invalid':
			return m.date_invalid();
		case 'date_future':
			return m.register_date_future();
		case 'date_before_previous':
			return m.register_date_before_previous();
		case 'unknown_category':
			return m.register_unknown_category();
		case 'unknown_item':
			return m.register_unknown_item();
		case 'wrong_state':
			return m.register_wrong_state();
		case 'bad_period':
			return m.register_bad_period();
		case 'not_whole_number':
			return m.register_not_whole_number();
		case 'end_before_start':
			return m.register_end_before_start();
		case 'return_before_start':
			return m.register_return_before_start();
		case 'approval_ref_required':
			return m.register_approval_ref_required();
		case 'already_returned':
			return m.register_already_returned();
		case 'photo_empty':
			return photoProblemMessage('empty');
		case 'photo_too_large':
			return photoProblemMessage('too_large');
		case 'photo_not_image':
			return photoProblemMessage('not_image');
		case 'photo_too_many_pixels':
			return photoProblemMessage('too_many_pixels');
		default:
			return problem;
	}
}

/** The statuses the /registers filters offer, across the three registers. */
export const registerStatusLabels = {
	hung: m.register_state_hung,
	removed: m.register_state_removed,
	rebound: m.register_state_rebound,
	issuing: m.register_cert_issuing,
	stopped: m.register_cert_stopped,
	violation: m.register_violation,
	active: m.register_secondment_active,
	returned: m.register_secondment_returned,
	unapproved: m.register_unapproved,
	overdue: m.register_overdue
} as const;
