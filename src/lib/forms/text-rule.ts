// The one rule for text that gets stored: no control characters or lone surrogates, NFC, trimmed,
// and a length limit counted in characters after NFC. Every form field goes through it, so no
// route can store a NUL or a 10,000-character name by forgetting a check.
import { z } from 'zod';
import { m } from '../paraglide/messages.js';

export interface TextOptions {
	/** Notes, descriptions, signboard text: newlines and tabs are kept. */
	multiline?: boolean;
}

export type TextProblem = { code: 'bad_characters' } | { code: 'too_long'; max: number };

// \p{Cc} is C0, DEL and C1; \p{Cs} under /u matches only a surrogate without its partner.
const BAD = /[\p{Cc}\p{Cs}]/u;
const BAD_MULTILINE = /[^\t\n\r\P{Cc}]|\p{Cs}/u;

/** True when the text holds a character that must not be stored. */
export function hasBadCharacters(value: string, options: TextOptions = {}): boolean {
	return (options.multiline ? BAD_MULTILINE : BAD).test(value);
}

/** NFC and trimmed; browsers post textarea line breaks as CRLF, stored as LF. */
export function tidyText(value: string, options: TextOptions = {}): string {
	const v = options.multiline ? value.replace(/\r\n?/g, '\n') : value;
	return v.normalize('NFC').trim();
}

/** Length in characters (code points), so one emoji or one rare hanzi counts once. */
export const textLength = (value: string): number => [...value].length;

/** The rule for callers without a schema: the stored form of the text, or why it is refused. */
export function cleanText(
	value: string,
	options: TextOptions & { max?: number } = {}
): { value: string } | { problem: TextProblem } {
	if (hasBadCharacters(value, options)) return { problem: { code: 'bad_characters' } };
	const tidy = tidyText(value, options);
	if (options.max !== undefined && textLength(tidy) > options.max)
		return { problem: { code: 'too_long', max: options.max } };
	return { value: tidy };
}

/**
 * A text field under the rule. It stays a ZodString (overwrite, not transform), so .min() and
 * .regex() can follow and see the tidied value. Messages resolve when a value is checked, so a
 * schema built once still answers in the user's language.
 */
export function text(max: number, options: TextOptions = {}) {
	return z
		.string()
		.refine((v) => !hasBadCharacters(v, options), { error: () => m.field_bad_characters(), abort: true })
		.overwrite((v) => tidyText(v, options))
		.refine((v) => textLength(v) <= max, { error: () => m.field_too_long({ max }) });
}

/** A text field that must not be blank once trimmed. */
export const requiredText = (max: number, options: TextOptions = {}) =>
	text(max, options).min(1, { error: () => m.field_required() });

/**
 * A password is the exact characters typed: not normalised or trimmed, but a NUL is still refused
 * (no keyboard types one, and C strings downstream would end the password there).
 */
export const password = (max: number) =>
	z
		.string()
		.refine((v) => !v.includes('\0'), { error: () => m.field_bad_characters(), abort: true })
		.max(max, { error: () => m.field_too_long({ max }) });

/** A text field that may be left out or blank: trimmed text, or null when nothing was typed. */
export const optionalText = (max: number, options: TextOptions = {}) =>
	text(max, options)
		.transform((v) => (v === '' ? null : v))
		.nullable()
		.default(null);
