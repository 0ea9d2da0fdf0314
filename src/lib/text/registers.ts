// Register labels in the user's language; the database keeps stable codes. Refusals read from
// the one map in refusals.ts.
import { m } from '$lib/paraglide/messages.js';

/** What happened to a plate, as its history lists it. */
export const signboardEventLabels = {
	hung: m.register_event_hung,
	removed: m.register_event_removed,
	rehung: m.register_event_rehung
} as const;

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
