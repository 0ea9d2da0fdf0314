import type { ChecklistItem } from '../../domain/checklist';
import { cleanText } from '../../forms/text-rule';

// Answer fields are named a.<key> (multi: repeated), their out-of-line reasons n.<key>.
export function readAnswerFields(form: FormData, items: ChecklistItem[]) {
	const raw: Record<string, string | string[] | undefined> = {};
	const notes: Record<string, string> = {};
	for (const item of items) {
		const values = form.getAll(`a.${item.key}`).map(String);
		raw[item.key] = item.kind === 'multi' ? values : values[0];
		const note = form.get(`n.${item.key}`);
		if (typeof note === 'string' && note.trim()) notes[item.key] = note;
	}
	return { raw, notes };
}

export function readExpectedVersion(form: FormData): number | null {
	const v = String(form.get('version') ?? '');
	return /^\d+$/.test(v) ? Number(v) : null;
}

/** The page's retry token; one that breaks the text rule is no token, as a form without one. */
export function readClientToken(form: FormData): string {
	const v = form.get('clientToken');
	const clean = typeof v === 'string' ? cleanText(v, { max: 64 }) : null;
	return clean && 'value' in clean ? clean.value : '';
}
