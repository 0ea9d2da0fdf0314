import { m } from '$lib/paraglide/messages.js';
import type { ChecklistDefinition, ChecklistItem } from '$lib/domain/checklist';

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

// Some templates say "optional" themselves, at the end of the label ("…几份？（可不填）") or at the
// start of the help ("可不填。写清…"). Published templates never change, so the page drops their
// words and marks an optional item once, with its own （选填） in the reader's language.
const SAYS_OPTIONAL_AT_END = /\s*[（(]\s*(?:可不填|选填|非必填|可选填|optional)\s*[)）]\s*$/i;
const SAYS_OPTIONAL_AT_START = /^\s*(?:可不填|选填|非必填|可选填|optional)\s*[。.，,；;：:]\s*/i;

export const shownLabel = (item: ChecklistItem): string =>
	item.required ? item.label : item.label.replace(SAYS_OPTIONAL_AT_END, '');

export const shownHelp = (item: ChecklistItem): string | undefined =>
	item.required || !item.help ? item.help : item.help.replace(SAYS_OPTIONAL_AT_START, '') || undefined;

/** What became of this phone's saves, in the page's words; null where nothing needs saying. */
export function syncMessage(state: string | undefined): string | null {
	switch (state) {
		case 'local':
			return m.offline_saved_local();
		case 'sending':
			return m.offline_sending();
		case 'saved':
			return m.offline_saved();
		case 'submitted':
			return m.offline_submitted();
		case 'signin':
			return m.offline_signin();
		case 'gone':
			return m.offline_gone();
		default:
			return null;
	}
}
