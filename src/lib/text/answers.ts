import type { AnswerValue, ChecklistItem } from '$lib/domain/checklist';
import { m } from '$lib/paraglide/messages.js';

/** An answer as a person reads it: 是/否, option labels, or the value itself. */
export function formatAnswer(item: ChecklistItem, value: AnswerValue | undefined): string {
	if (value === null || value === undefined || value === '') return m.answer_blank();
	if (typeof value === 'boolean') return value ? m.yes() : m.no();
	const label = (v: string) => item.options?.find((o) => o.value === v)?.label ?? v;
	if (Array.isArray(value)) return value.length ? value.map(label).join('、') : m.answer_blank();
	if (item.kind === 'single') return label(String(value));
	return String(value);
}

/** A field's value as the form holds it (text, a choice, a list of choices), for showing side by side. */
export function formatFieldValue(
	item: ChecklistItem | undefined,
	value: string | string[],
	blank: string
): string {
	const list = Array.isArray(value) ? value : value === '' ? [] : [value];
	if (list.length === 0) return blank;
	if (!item) return list.join('、');
	if (item.kind === 'yes_no') return list[0] === 'yes' ? m.yes() : list[0] === 'no' ? m.no() : list[0]!;
	const label = (v: string) => item.options?.find((o) => o.value === v)?.label ?? v;
	return list.map(label).join('、');
}
