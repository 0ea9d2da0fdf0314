// The checklist page's hidden fields, as the services take them. Read leniently: a version that
// is not a number is no version (the save is then refused as stale if a draft exists), and a
// token that breaks the text rule is no token, as a form without one.
import type { ChecklistDefinition, ChecklistItem } from '../../domain/checklist';
import { cleanText } from '../../forms/text-rule';
import { answerField, noteField } from '../../forms/checklist';

export function expectedVersion(posted: string): number | null {
	return /^\d+$/.test(posted) ? Number(posted) : null;
}

export function clientToken(posted: string): string {
	const clean = cleanText(posted, { max: 64 });
	return 'value' in clean ? clean.value : '';
}

/** A section's answers and reasons out of the validated form, keyed by item. */
export function answerFields(data: Record<string, unknown>, items: ChecklistItem[]) {
	const raw: Record<string, string | string[]> = {};
	const notes: Record<string, string> = {};
	for (const item of items) {
		raw[item.key] = data[answerField(item.key)] as string | string[];
		const note = data[noteField(item.key)];
		if (typeof note === 'string' && note.trim()) notes[item.key] = note;
	}
	return { raw, notes };
}

/** The section a save names, by its index as posted. */
export function sectionAt(definition: ChecklistDefinition, posted: string) {
	const index = Number(posted);
	const section = definition.sections[index];
	return section ? { index, section, last: index === definition.sections.length - 1 } : null;
}

export const itemKeys = (items: ChecklistItem[]) => items.map((i) => i.key);
