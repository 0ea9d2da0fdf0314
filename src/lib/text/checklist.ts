import { m } from '$lib/paraglide/messages.js';
import type { ChecklistDefinition } from '$lib/domain/checklist';

export interface ItemProblem {
	section: number;
	sectionTitle: string;
	key: string;
	label: string;
	message: string;
}

/** A refused submit's sentences (by item key), in the form's order, each with where to fix it. */
export function problemsBySection(
	definition: ChecklistDefinition,
	errors: Readonly<Record<string, unknown>>
): ItemProblem[] {
	const first = (key: string) => {
		const e = errors[key];
		return Array.isArray(e) && typeof e[0] === 'string' ? e[0] : null;
	};
	return definition.sections.flatMap((s, si) =>
		s.items.flatMap((i) => {
			const message = first(i.key);
			return message ? [{ section: si, sectionTitle: s.title, key: i.key, label: i.label, message }] : [];
		})
	);
}

export const statusLabels = {
	not_started: m.state_not_started,
	draft: m.state_draft,
	submitted: m.state_submitted,
	returned: m.state_returned,
	accepted: m.state_accepted
} as const;
