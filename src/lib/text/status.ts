// A submission's status in the reader's words. Apart from the checklist's text: the badge on many
// pages needs it, the checklist's own code does not.
import { m } from '$lib/paraglide/messages.js';

export const statusLabels = {
	not_started: m.state_not_started,
	draft: m.state_draft,
	submitted: m.state_submitted,
	returned: m.state_returned,
	accepted: m.state_accepted
} as const;
