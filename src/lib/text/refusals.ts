// Every refusal a service can give, code → sentence in the user's language. Services throw a
// Refusal naming a code (src/lib/server/refusal.ts); the route puts the sentence next to the field.
// One map for the whole product, so the same problem reads the same everywhere. Sections by
// feature; a code two features share means the same thing in both.
import { m } from '$lib/paraglide/messages.js';
import { MAX_PHOTO_MB, MAX_PHOTO_MEGAPIXELS, MAX_PHOTO_SIDE } from '$lib/domain/photos';

/** Figures a sentence fills in, such as a limit. */
export type RefusalParams = Record<string, string | number>;

type Sentence = (p: RefusalParams) => string;

export const refusalMessages = {
	// — shared —
	required: () => m.field_required(),
	date_invalid: () => m.date_invalid(),
	not_found: () => m.error_not_found(),

	// — photos —
	photo_empty: () => m.photo_empty(),
	photo_too_large: () => m.photo_too_large({ max: MAX_PHOTO_MB }),
	photo_not_image: () => m.photo_not_image(),
	photo_too_many_pixels: () => m.photo_too_many_pixels({ side: MAX_PHOTO_SIDE, mp: MAX_PHOTO_MEGAPIXELS }),

	// — users —
	username_taken: () => m.username_taken(),
	region_required: () => m.scope_region_required(),
	region_unknown: () => m.scope_region_unknown(),
	point_required: () => m.scope_point_required(),
	point_unknown: () => m.scope_point_unknown(),
	user_cannot_demote_self: () => m.user_cannot_demote_self(),
	user_cannot_deactivate_self: () => m.user_cannot_deactivate_self(),
	sign_in_invalid: () => m.sign_in_invalid(),
	sign_in_locked: (p) => m.sign_in_locked({ seconds: p.seconds ?? '' }),
	password_wrong_current: () => m.password_wrong_current(),
	password_same_as_current: () => m.password_same_as_current(),
	password_locked: (p) => m.password_locked({ seconds: p.seconds ?? '' }),

	// — registers —
	date_future: () => m.register_date_future(),
	date_before_previous: () => m.register_date_before_previous(),
	unknown_category: () => m.register_unknown_category(),
	unknown_item: () => m.register_unknown_item(),
	plate_wrong_state: () => m.register_wrong_state(),
	count_bad_period: () => m.register_bad_period(),
	count_not_whole_number: () => m.register_not_whole_number(),
	secondment_end_before_start: () => m.register_end_before_start(),
	return_before_start: () => m.register_return_before_start(),
	approval_ref_required: () => m.register_approval_ref_required(),
	already_returned: () => m.register_already_returned(),

	// — catalogues —
	catalogue_name_taken: () => m.catalogue_name_taken(),
	catalogue_file_too_big: (p) => m.catalogue_problem_too_big({ mb: p.mb ?? '' }),
	catalogue_file_part_too_big: (p) => m.catalogue_problem_part_too_big({ mb: p.mb ?? '' }),
	catalogue_file_unsupported: () => m.catalogue_problem_unsupported_type(),
	catalogue_file_unreadable: () => m.catalogue_problem_unreadable(),
	catalogue_file_not_utf8: () => m.catalogue_problem_not_utf8(),
	catalogue_file_empty: () => m.catalogue_problem_empty_file(),
	catalogue_file_too_many_rows: (p) => m.catalogue_problem_too_many_rows({ max: p.max ?? '' }),

	// — checklists (rounds, submissions, templates) —
	checklist_round_closed: () => m.checklist_round_closed(),
	checklist_stale: () => m.checklist_stale(),
	checklist_locked: () => m.checklist_locked(),
	checklist_empty: () => m.checklist_empty(),
	checklist_bad_section: () => m.checklist_bad_section(),
	// An answer's problems, on the item's key; the figures come with the refusal.
	answer_required: () => m.answer_required(),
	answer_not_whole_number: () => m.answer_not_whole_number(),
	answer_not_number: () => m.answer_not_number(),
	answer_below_min: (p) => m.answer_below_min({ min: p.min ?? '' }),
	answer_above_max: (p) => m.answer_above_max({ max: p.max ?? '' }),
	answer_not_an_option: () => m.answer_not_an_option(),
	answer_too_few_choices: (p) => m.answer_too_few_choices({ min: p.min ?? '' }),
	answer_too_many_choices: (p) => m.answer_too_many_choices({ max: p.max ?? '' }),
	answer_not_date: () => m.answer_not_date(),
	answer_too_long: (p) => m.answer_too_long({ max: p.max ?? '' }),
	answer_bad_characters: () => m.field_bad_characters(),
	answer_not_yes_no: () => m.answer_not_yes_no(),
	answer_needs_confirmation: () => m.answer_needs_confirmation(),
	answer_note_too_long: (p) => m.answer_note_too_long({ max: p.max ?? '' }),
	review_wrong_state: () => m.review_wrong_state(),
	review_stale: () => m.review_stale(),
	// Withdrawing a submit: only the point's staff, only until a reviewer acts, only while open.
	withdraw_not_submitted: () => m.withdraw_not_submitted(),
	withdraw_reviewed: () => m.withdraw_reviewed(),
	withdraw_stale: () => m.withdraw_stale(),
	round_bad_period: () => m.round_bad_period(),
	round_end_before_start: () => m.round_end_before_start(),
	round_not_published: () => m.round_not_published(),
	round_due_before_open: () => m.round_due_before_open(),
	round_wrong_state: () => m.round_wrong_state(),
	template_no_draft: () => m.template_no_draft(),

	// — points and regions —
	point_not_village_level: () => m.point_not_village_level(),
	region_not_found: () => m.region_not_found(),
	division_file_too_big: (p) => m.import_too_big({ file: p.file ?? '', mb: p.mb ?? '' }),

	// — reports —
	report_region_outside: () => m.reports_region_outside(),
	report_bad_quarter: () => m.reports_bad_quarter(),
	report_limit_user: (p) => m.reports_limit_user({ max: p.max ?? '' }),
	report_limit_region: (p) => m.reports_limit_region({ max: p.max ?? '' }),
	report_expired: () => m.reports_expired_gone(),

	// — trends —
	trend_baseline_unknown: () => m.trends_rule_error_period()
} satisfies Record<string, Sentence>;

export type RefusalCode = keyof typeof refusalMessages;

export interface Problem {
	code: RefusalCode;
	params?: RefusalParams;
}

export const refusalMessage = (p: Problem): string => (refusalMessages[p.code] as Sentence)(p.params ?? {});
