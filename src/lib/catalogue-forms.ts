// Zod schemas for the catalogue forms, built per request so their messages follow the user's language.
import { z } from 'zod';
import { m } from '$lib/paraglide/messages.js';
import { certificateStatuses, signboardPlacements, signboardStatuses } from '$lib/domain/catalogues';

const name = () =>
	z
		.string()
		.trim()
		.min(1, m.field_required())
		.max(200, m.field_too_long({ max: 200 }));

const optionalText = (max: number) =>
	z
		.string()
		.trim()
		.max(max, m.field_too_long({ max }))
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
