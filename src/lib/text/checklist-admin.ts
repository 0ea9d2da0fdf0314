// Labels of the rounds and templates pages, apart from text/checklist.ts so the staff checklist
// does not carry them.
import { m } from '$lib/paraglide/messages.js';

export const roundStatusLabels = {
	draft: m.round_status_draft,
	open: m.round_status_open,
	closed: m.round_status_closed
} as const;

export const kindLabels = {
	yes_no: m.kind_yes_no,
	count: m.kind_count,
	number: m.kind_number,
	single: m.kind_single,
	multi: m.kind_multi,
	date: m.kind_date,
	short_text: m.kind_short_text,
	long_text: m.kind_long_text
} as const;
