// The shape a template definition must have before it can be saved or published.
import { z } from 'zod';
import { requiredText, text } from '../forms/text-rule';
import { itemKinds, type ChecklistDefinition } from './checklist';

const key = z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, 'key: lower-case letters, digits and _');
const scalar = z.union([text(200), z.number(), z.boolean()]);

const item = z
	.object({
		key,
		kind: z.enum(itemKinds),
		label: requiredText(300),
		help: text(500, { multiline: true }).optional(),
		required: z.boolean(),
		min: z.number().optional(),
		max: z.number().optional(),
		options: z
			.array(z.object({ value: key, label: requiredText(100) }))
			.min(2)
			.max(30)
			.optional(),
		compliantWhen: z
			.union([
				z.object({ op: z.literal('eq'), value: scalar }),
				z.object({ op: z.literal('lte'), value: z.number() }),
				z.object({ op: z.literal('gte'), value: z.number() })
			])
			.optional(),
		showWhen: z.object({ key, equals: scalar }).optional(),
		carriesOver: z.boolean().optional()
	})
	.strict()
	.refine((i) => !['single', 'multi'].includes(i.kind) || !!i.options, {
		message: 'choice items need options',
		path: ['options']
	})
	.refine((i) => i.min === undefined || i.max === undefined || i.min <= i.max, {
		message: 'min is above max',
		path: ['min']
	});

export const definitionSchema = z
	.object({
		sections: z
			.array(z.object({ key, title: requiredText(100), items: z.array(item).min(1).max(100) }).strict())
			.min(1)
			.max(30)
	})
	.strict()
	.superRefine((def, ctx) => {
		const seen = new Set<string>();
		def.sections.forEach((s, si) =>
			s.items.forEach((i, ii) => {
				if (seen.has(i.key))
					ctx.addIssue({
						code: 'custom',
						message: `duplicate key ${i.key}`,
						path: ['sections', si, 'items', ii, 'key']
					});
				if (i.showWhen && !seen.has(i.showWhen.key))
					ctx.addIssue({
						code: 'custom',
						message: `showWhen must refer to an earlier item, not ${i.showWhen.key}`,
						path: ['sections', si, 'items', ii, 'showWhen']
					});
				seen.add(i.key);
			})
		);
	});

export function parseDefinition(
	json: unknown
): { ok: true; definition: ChecklistDefinition } | { ok: false; problems: string[] } {
	const result = definitionSchema.safeParse(json);
	if (result.success) return { ok: true, definition: result.data as ChecklistDefinition };
	return { ok: false, problems: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
}
