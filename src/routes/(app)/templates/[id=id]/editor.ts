// The structured template editor's working state and field names, shared by the page and its
// actions. Every value is kept as typed (strings), so a refused post re-renders exactly as sent.
import type { ItemKind } from '$lib/domain/checklist';

/** "Compliant when": 答“否”/答“是” for yes/no items, ≤ N / ≥ N for counts and numbers. */
export const ruleOps = ['', 'eq_false', 'eq_true', 'lte', 'gte', 'custom'] as const;
export type RuleOp = (typeof ruleOps)[number];

export const showEqualsValues = ['', 'yes', 'no', 'custom'] as const;

/** Whether the answer carries into the next round: '' leaves it to the item's kind. */
export const carriesValues = ['', 'yes', 'no'] as const;
export type Carries = (typeof carriesValues)[number];
export type ShowEquals = (typeof showEqualsValues)[number];

export interface EditorItem {
	key: string;
	kind: ItemKind;
	/** In a published version: its kind is fixed, since trends follow the key. Decided by the server. */
	locked: boolean;
	label: string;
	help: string;
	required: boolean;
	carries: Carries;
	min: string;
	max: string;
	/** One option a line: `value=标签`, or just `标签`. */
	options: string;
	ruleOp: RuleOp;
	ruleValue: string;
	/** A rule the form cannot express (set in the JSON editor), carried through unchanged. */
	ruleJson: string;
	showKey: string;
	showEquals: ShowEquals;
	/** A condition value other than 是/否 (set in the JSON editor), carried through unchanged. */
	showJson: string;
}

export interface EditorSection {
	key: string;
	title: string;
	items: EditorItem[];
}

export interface EditorState {
	sections: EditorSection[];
}

export type ItemField =
	| 'key'
	| 'kind'
	| 'label'
	| 'help'
	| 'required'
	| 'carries'
	| 'min'
	| 'max'
	| 'options'
	| 'ruleOp'
	| 'ruleValue'
	| 'ruleJson'
	| 'showKey'
	| 'showEquals'
	| 'showJson';

/** `s0` names the section as a whole (for its errors), `s0.title` its title field. */
export const sectionName = (si: number, field?: 'key' | 'title') => (field ? `s${si}.${field}` : `s${si}`);
export const itemName = (si: number, ii: number, field: ItemField) => `i${si}.${ii}.${field}`;

/** The id Field gives the input it wraps. */
export const fieldId = (name: string) => `f-${name}`;
export const sectionId = (si: number) => `sec-${si}`;
export const itemId = (si: number, ii: number) => `item-${si}-${ii}`;

/** Which settings a kind uses; the others are neither shown nor saved. */
export function kindUses(kind: ItemKind): { min: boolean; max: boolean; options: boolean; rule: boolean } {
	const numeric = kind === 'count' || kind === 'number';
	const text = kind === 'short_text' || kind === 'long_text';
	return {
		// Answers do not enforce a minimum length, so text items get only a maximum.
		min: numeric || kind === 'multi',
		max: numeric || text || kind === 'multi',
		options: kind === 'single' || kind === 'multi',
		rule: numeric || kind === 'yes_no'
	};
}
