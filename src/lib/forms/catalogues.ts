// Zod schemas for the catalogue forms, built per request so their messages follow the user's language.
import { z } from 'zod';
import { m } from '$lib/paraglide/messages.js';
import { requiredText, text } from '$lib/forms/text-rule';
import { certificateStatuses, signboardPlacements, signboardStatuses } from '$lib/domain/catalogues';

const name = () => requiredText(200);

// Notes and bases are free prose, often pasted from documents with line breaks.
const optionalText = (max: number) =>
	text(max, { multiline: true })
		.transform((v) => (v === '' ? null : v))
		.nullable()
		.default(null);

export const signboardCategorySchema = () =>
	z.object({
		name: name(),
		status: z.enum(signboardStatuses, { message: m.field_choose() }),
		placement: z.enum(signboardPlacements, { message: m.field_choose() }),
		note: optionalText(2000)
	});

export const certificateItemSchema = () =>
	z.object({
		name: name(),
		status: z.enum(certificateStatuses, { message: m.field_choose() }),
		basis: optionalText(2000)
	});
