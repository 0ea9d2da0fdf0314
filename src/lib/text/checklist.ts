import { m } from '$lib/paraglide/messages.js';
import type { FieldProblem } from '$lib/domain/checklist';

export function problemMessage(p: FieldProblem): string {
	switch (p.code) {
		case 'required':
			return m.answer_required();
		case 'not_whole_number':
			return m.answer_not_whole_number();
		case 'not_number':
			return m.answer_not_number();
		case 'below_min':
			return m.answer_below_min({ min: p.min });
		case 'above_max':
			return m.answer_above_max({ max: p.max });
		case 'not_an_option':
			return m.answer_not_an_option();
		case 'too_few_choices':
			return m.answer_too_few_choices({ min: p.min });
		case 'too_many_choices':
			return m.answer_too_many_choices({ max: p.max });
		case 'not_date':
			return m.answer_not_date();
		case 'too_long':
			return m.answer_too_long({ max: p.max });
		case 'bad_characters':
			return m.field_bad_characters();
		case 'not_yes_no':
			return m.answer_not_yes_no();
		case 'needs_confirmation':
			return m.answer_needs_confirmation();
		case 'note_too_long':
			return m.answer_note_too_long({ max: p.max });
	}
}

export const statusLabels = {
	not_started: m.state_not_started,
	draft: m.state_draft,
	submitted: m.state_submitted,
	returned: m.state_returned,
	accepted: m.state_accepted
} as const;

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
