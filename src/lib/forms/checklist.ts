// The checklist forms: filling a round's checklist, reviewing a submission, and the template's
// JSON editor. Built per request, so messages follow the user's language. The answer fields come
// from the round's template version; what each answer must be is the pure rule in
// domain/checklist.ts, applied by the service together with what only it knows (last round's
// answers, the registers).
import { z } from 'zod';
import { allItems, answerField, noteField, type ChecklistDefinition } from '../domain/checklist';
import { parseDefinition } from '../domain/checklist-schema';
import { m } from '../paraglide/messages.js';
import { text } from './text-rule';

export { answerField, noteField };

/** As posted; the page's version and token, read leniently (a missing one is none). */
const posted = () => z.string().default('');

type AnswerFieldSchema = z.ZodDefault<z.ZodString> | z.ZodDefault<z.ZodArray<z.ZodString>>;

/** One section's save: every item of the round's definition, of which the section's are posted. */
export function checklistSectionSchema(definition: ChecklistDefinition) {
	const fields: Record<string, AnswerFieldSchema> = {};
	for (const item of allItems(definition)) {
		fields[answerField(item.key)] =
			item.kind === 'multi' ? z.array(z.string()).default([]) : z.string().default('');
		fields[noteField(item.key)] = z.string().default('');
	}
	// `goto` is the button pressed: where to go after saving; without one, the next step.
	return z.object({ section: posted(), version: posted(), goto: z.string().optional(), ...fields });
}

/** "Same as last round" for one section. */
export const sameSectionSchema = () => z.object({ section: posted(), version: posted() });

/** Submitting: the version read and the page's retry token. */
export const submitSchema = () => z.object({ version: posted(), clientToken: posted() });

/**
 * "Same as last round" for all, from its one screen: the version and token, the items answered
 * there (`asked`, one hidden field each, since a blank radio or checkbox posts nothing) and their
 * answers and reasons as a section posts them. A post with only the version and token is valid:
 * nothing typed, the carrying answers alone.
 */
export function sameAllSchema(definition: ChecklistDefinition) {
	return checklistSectionSchema(definition)
		.omit({ section: true, goto: true })
		.extend({ clientToken: posted(), asked: z.array(z.string()).default([]) });
}

/** Taking a submitted checklist back: the version read. */
export const withdrawSchema = () => z.object({ version: posted() });

export const REVIEW_REASON_MAX = 500;

export const acceptSchema = () => z.object({ version: posted() });

/** Returning or reopening: the reason the staff member will read. */
export const reasonSchema = () =>
	z.object({
		version: posted(),
		reason: text(REVIEW_REASON_MAX, { multiline: true }).min(1, { error: () => m.review_reason_required() })
	});

export const TEMPLATE_JSON_MAX = 200_000;

/** The advanced editor: a whole definition as JSON text, each problem listed. */
export const templateJsonSchema = () =>
	z.object({
		definition: z
			.string()
			.max(TEMPLATE_JSON_MAX, { error: () => m.template_too_large() })
			.superRefine((value, ctx) => {
				if (value.length > TEMPLATE_JSON_MAX) return;
				const parsed = definitionFromText(value);
				if ('problems' in parsed)
					for (const message of parsed.problems) ctx.addIssue({ code: 'custom', message });
			})
	});

/** The JSON text as a definition, or what is wrong with it. */
export function definitionFromText(
	value: string
): { definition: ChecklistDefinition } | { problems: string[] } {
	let json: unknown;
	try {
		json = JSON.parse(value);
	} catch {
		return { problems: [m.template_not_json()] };
	}
	const parsed = parseDefinition(json);
	return parsed.ok ? { definition: parsed.definition } : { problems: parsed.problems };
}
