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
	point_unknown: () => m.scope_point_unknown()

	// — registers —

	// — catalogues —

	// — checklists (rounds, submissions, templates) —

	// — points and regions —

	// — reports —
} satisfies Record<string, Sentence>;

export type RefusalCode = keyof typeof refusalMessages;

export interface Problem {
	code: RefusalCode;
	params?: RefusalParams;
}

export const refusalMessage = (p: Problem): string => (refusalMessages[p.code] as Sentence)(p.params ?? {});
