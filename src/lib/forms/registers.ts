// Zod schemas for the register forms, built per request so their messages follow the user's
// language. The forms repeat per row (one removal form per plate), so they are read with
// readForm() rather than superforms, which keys its state by one form per schema.
import { z } from 'zod';
import { m } from '$lib/paraglide/messages.js';
import { requiredText as required, text, type TextOptions } from '$lib/forms/text-rule';

const optionalText = (max: number, options: TextOptions = {}) =>
	text(max, options)
		.default('')
		.transform((v) => (v === '' ? null : v));

const date = () => text(10).regex(/^\d{4}-\d{2}-\d{2}$/, m.date_invalid());
const optionalDate = () =>
	text(10)
		.default('')
		.refine((v) => v === '' || /^\d{4}-\d{2}-\d{2}$/.test(v), m.date_invalid())
		.transform((v) => (v === '' ? null : v));
const id = () => z.coerce.number({ message: m.field_choose() }).int().positive(m.field_choose());

export const plateSchema = () =>
	z.object({
		text: required(200, { multiline: true }),
		categoryId: id(),
		placement: z
			.enum(['', 'exterior', 'interior', 'wall'], { message: m.field_choose() })
			.default('')
			.transform((v) => (v === '' ? null : v)),
		department: optionalText(200),
		hungOn: date(),
		note: optionalText(500, { multiline: true })
	});

export const removeSchema = () =>
	z.object({ id: id(), removedOn: date(), note: optionalText(500, { multiline: true }) });
export const rehangSchema = () =>
	z.object({ id: id(), hungOn: date(), note: optionalText(500, { multiline: true }) });

export const certificateStatusSchema = () =>
	z.object({
		itemId: id(),
		status: z.enum(['issuing', 'stopped'], { message: m.field_choose() }),
		since: date()
	});

export const certificateCountSchema = () =>
	z.object({
		itemId: id(),
		periodKind: z.enum(['month', 'quarter'], { message: m.field_choose() }),
		period: required(8),
		issued: text(7)
			.regex(/^\d{1,7}$/, m.register_not_whole_number())
			.transform(Number)
	});

export const secondmentSchema = () =>
	z.object({
		personName: required(100),
		post: optionalText(100),
		borrowingUnit: required(200),
		startDate: date(),
		expectedEnd: optionalDate(),
		approved: text(8)
			.optional()
			.transform((v) => v === 'on' || v === 'yes' || v === 'true'),
		approvalRef: optionalText(100)
	});

export const returnSchema = () => z.object({ id: id(), returnDate: date() });

export type FieldErrors = Record<string, string>;

export type FormRead<T> =
	| { ok: true; data: T; values: Record<string, string> }
	| { ok: false; errors: FieldErrors; values: Record<string, string> };

/** The form's text fields, checked; on failure the first message per field and what was sent. */
export function readForm<S extends z.ZodType>(schema: S, form: FormData): FormRead<z.output<S>> {
	const values: Record<string, string> = {};
	for (const [key, value] of form) if (typeof value === 'string' && !(key in values)) values[key] = value;
	const parsed = schema.safeParse(values);
	if (parsed.success) return { ok: true, data: parsed.data, values };
	const errors: FieldErrors = {};
	for (const issue of parsed.error.issues) {
		const key = String(issue.path[0] ?? '_');
		errors[key] ??= issue.message;
	}
	return { ok: false, errors, values };
}
