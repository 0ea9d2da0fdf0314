// The checklist definition (sections and items), answer validation, compliance and the
// out-of-line check. Pure: the form, the server and the tests all use it.

import { cleanText } from '../forms/text-rule';

export const itemKinds = [
	'yes_no',
	'count',
	'number',
	'single',
	'multi',
	'date',
	'short_text',
	'long_text'
] as const;
export type ItemKind = (typeof itemKinds)[number];

export interface ChoiceOption {
	value: string;
	label: string;
}

/** When an answer counts as compliant for the compliance rate. */
export type CompliantWhen =
	| { op: 'eq'; value: string | number | boolean }
	| { op: 'lte'; value: number }
	| { op: 'gte'; value: number };

export interface ChecklistItem {
	/** Stable across template versions, so trends follow it. */
	key: string;
	kind: ItemKind;
	label: string;
	help?: string;
	required: boolean;
	/** Bounds: values for count/number, lengths for text, choices for multi. */
	min?: number;
	max?: number;
	options?: ChoiceOption[];
	compliantWhen?: CompliantWhen;
	/** Shown only when another item's answer equals this value. */
	showWhen?: { key: string; equals: string | number | boolean };
	/**
	 * Whether last round's answer is offered again (prefill, "same as last round", a section never
	 * saved at submit): a standing fact (committees hosted) does, a period event, a free-text burden
	 * or a feeling does not and is asked afresh. Unset (templates stored before it existed): by kind,
	 * see `itemCarriesOver`.
	 */
	carriesOver?: boolean;
}

export interface ChecklistSection {
	key: string;
	title: string;
	items: ChecklistItem[];
}

export interface ChecklistDefinition {
	sections: ChecklistSection[];
}

export type AnswerValue = string | number | boolean | string[] | null;
export type Answers = Record<string, AnswerValue>;

export const SHORT_TEXT_MAX = 200;
export const LONG_TEXT_MAX = 2000;
export const COUNT_MAX = 100_000;

export type AnswerProblem =
	| { code: 'required' }
	| { code: 'not_whole_number' }
	| { code: 'not_number' }
	| { code: 'below_min'; min: number }
	| { code: 'above_max'; max: number }
	| { code: 'not_an_option' }
	| { code: 'too_few_choices'; min: number }
	| { code: 'too_many_choices'; max: number }
	| { code: 'not_date' }
	| { code: 'too_long'; max: number }
	| { code: 'bad_characters' }
	| { code: 'not_yes_no' };

/** A problem with one answer, including the ones only the server can judge. */
export type FieldProblem =
	AnswerProblem | { code: 'needs_confirmation' } | { code: 'note_too_long'; max: number };

/**
 * The default for an item without `carriesOver`: numbers, counts, yes/no and multiple choices are
 * mostly standing facts and carry, as every answer did before the property existed; text (a
 * period's burden, a remark), a single choice (the 总体负担感受 kind of rating) and a date (of an
 * event) are of their period and do not.
 */
const CARRIES_BY_KIND: Record<ItemKind, boolean> = {
	yes_no: true,
	count: true,
	number: true,
	multi: true,
	single: false,
	date: false,
	short_text: false,
	long_text: false
};

export const itemCarriesOver = (item: ChecklistItem): boolean =>
	item.carriesOver ?? CARRIES_BY_KIND[item.kind];

/**
 * The items the point's registers (台账) answer, so the two cannot disagree: shown, never typed,
 * and taken from the register whatever a form posts.
 */
export const REGISTER_ITEM_KEYS = [
	'signboards_exterior',
	'signboards_interior',
	'signboards_rehung',
	'certificates_cancelled_issued',
	'secondments_active',
	'secondments_unapproved'
] as const;
export type RegisterItemKey = (typeof REGISTER_ITEM_KEYS)[number];

export const isRegisterItem = (key: string): key is RegisterItemKey =>
	(REGISTER_ITEM_KEYS as readonly string[]).includes(key);

/** Last round's answers that carry over into this round's definition (register items excluded). */
export function carriedAnswers(def: ChecklistDefinition, previous: Answers): Answers {
	return Object.fromEntries(
		allItems(def)
			.filter((i) => itemCarriesOver(i) && !isRegisterItem(i.key) && i.key in previous)
			.map((i) => [i.key, previous[i.key]])
	);
}

export function allItems(def: ChecklistDefinition): ChecklistItem[] {
	return def.sections.flatMap((s) => s.items);
}

export function isVisible(item: ChecklistItem, answers: Answers): boolean {
	if (!item.showWhen) return true;
	return answers[item.showWhen.key] === item.showWhen.equals;
}

const isBlank = (v: unknown) =>
	v === undefined ||
	v === null ||
	(typeof v === 'string' && v.trim() === '') ||
	(Array.isArray(v) && v.length === 0);

/**
 * Turns what a form sent (strings, or string lists for multi) into typed answers, with a problem
 * per bad item. Hidden items are dropped, so a stale answer behind a changed condition is not kept.
 */
export function parseAnswers(
	items: ChecklistItem[],
	raw: Record<string, string | string[] | undefined>,
	options: { requireComplete: boolean; context?: Answers }
): { answers: Answers; problems: Record<string, AnswerProblem> } {
	const answers: Answers = {};
	const problems: Record<string, AnswerProblem> = {};
	// Conditions refer to earlier answers (here, or in `context` for other sections): parse in order.
	for (const item of items) {
		if (!isVisible(item, { ...options.context, ...answers })) continue;
		const input = raw[item.key];
		if (isBlank(input)) {
			answers[item.key] = null;
			if (item.required && options.requireComplete) problems[item.key] = { code: 'required' };
			continue;
		}
		const result = parseOne(item, input!);
		if ('problem' in result) problems[item.key] = result.problem;
		else answers[item.key] = result.value;
	}
	return { answers, problems };
}

function parseOne(
	item: ChecklistItem,
	input: string | string[]
): { value: AnswerValue } | { problem: AnswerProblem } {
	const text = Array.isArray(input) ? input[0] : input.trim();
	switch (item.kind) {
		case 'yes_no':
			if (text === 'yes' || text === 'true') return { value: true };
			if (text === 'no' || text === 'false') return { value: false };
			return { problem: { code: 'not_yes_no' } };
		case 'count':
		case 'number': {
			// Plain decimal notation only: Number() would also take "0x10" or "1e3".
			const plain = text.replace(/[,，\s]/g, '');
			const n = /^[-+]?\d+(\.\d+)?$/.test(plain) ? Number(plain) : NaN;
			if (text === '' || !Number.isFinite(n))
				return { problem: { code: item.kind === 'count' ? 'not_whole_number' : 'not_number' } };
			if (item.kind === 'count' && !Number.isInteger(n)) return { problem: { code: 'not_whole_number' } };
			const min = item.min ?? (item.kind === 'count' ? 0 : undefined);
			const max = item.max ?? (item.kind === 'count' ? COUNT_MAX : undefined);
			if (min !== undefined && n < min) return { problem: { code: 'below_min', min } };
			if (max !== undefined && n > max) return { problem: { code: 'above_max', max } };
			return { value: n };
		}
		case 'single':
			if (!item.options?.some((o) => o.value === text)) return { problem: { code: 'not_an_option' } };
			return { value: text };
		case 'multi': {
			const list = [
				...new Set((Array.isArray(input) ? input : [input]).map((v) => v.trim()).filter(Boolean))
			];
			if (list.some((v) => !item.options?.some((o) => o.value === v)))
				return { problem: { code: 'not_an_option' } };
			if (item.min !== undefined && list.length < item.min)
				return { problem: { code: 'too_few_choices', min: item.min } };
			if (item.max !== undefined && list.length > item.max)
				return { problem: { code: 'too_many_choices', max: item.max } };
			return { value: list };
		}
		case 'date': {
			if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return { problem: { code: 'not_date' } };
			const d = new Date(`${text}T00:00:00Z`);
			if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text)
				return { problem: { code: 'not_date' } };
			return { value: text };
		}
		case 'short_text':
		case 'long_text': {
			const max = item.max ?? (item.kind === 'short_text' ? SHORT_TEXT_MAX : LONG_TEXT_MAX);
			// Only a long answer is a textarea, so only it may hold line breaks.
			const clean = cleanText(Array.isArray(input) ? (input[0] ?? '') : input, {
				max,
				multiline: item.kind === 'long_text'
			});
			return 'problem' in clean ? { problem: clean.problem } : clean;
		}
	}
}

/** The answer as a form field holds it. */
export function toFormValue(value: AnswerValue | undefined): string | string[] {
	if (value === null || value === undefined) return '';
	if (Array.isArray(value)) return value;
	if (typeof value === 'boolean') return value ? 'yes' : 'no';
	return String(value);
}

export function isCompliant(item: ChecklistItem, value: AnswerValue | undefined): boolean | null {
	const rule = item.compliantWhen;
	if (!rule || value === null || value === undefined) return null;
	if (rule.op === 'eq') return value === rule.value;
	if (typeof value !== 'number') return null;
	return rule.op === 'lte' ? value <= rule.value : value >= rule.value;
}

/** Share of rule-bearing, answered, visible items that are compliant; null when none apply. */
export function complianceRate(def: ChecklistDefinition, answers: Answers): number | null {
	let judged = 0;
	let ok = 0;
	for (const item of allItems(def)) {
		if (!isVisible(item, answers)) continue;
		const c = isCompliant(item, answers[item.key]);
		if (c === null) continue;
		judged++;
		if (c) ok++;
	}
	return judged === 0 ? null : ok / judged;
}

/**
 * A count or number far out of line with the point's last accepted value: at least 10 apart and
 * at least three times (or a third of) it. Not refused; the staff member confirms it with a reason.
 */
export function isOutOfLine(previous: AnswerValue | undefined, next: AnswerValue | undefined): boolean {
	if (typeof previous !== 'number' || typeof next !== 'number') return false;
	const gap = Math.abs(next - previous);
	if (gap < 10) return false;
	return next >= previous * 3 || next * 3 <= previous;
}

export function sameAnswer(a: AnswerValue | undefined, b: AnswerValue | undefined): boolean {
	return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * A section whose required, visible items all have answers. A register item counts as answered:
 * the register answers it, whatever the draft holds.
 */
export function sectionComplete(section: ChecklistSection, answers: Answers): boolean {
	return section.items.every(
		(item) =>
			!item.required || isRegisterItem(item.key) || !isVisible(item, answers) || !isBlank(answers[item.key])
	);
}

/**
 * A section made only of register figures (查牌子, 查借调 in the default template): nothing to type,
 * so it costs no tap. Items hidden by `answers` do not count; without answers a conditional item is
 * taken as hidden (it shows only on an answer, such as the register's "re-hung: yes").
 */
export function isRegisterOnly(section: ChecklistSection, answers: Answers = {}): boolean {
	return section.items.every((item) => isRegisterItem(item.key) || !isVisible(item, answers));
}

/**
 * Which sections count complete, by index: what the draft saved, over last round's carrying
 * answers (shown prefilled and submitted as they are unless changed), under the register figures.
 * `saved`, `carried` and `register` are the checklist page's `savedAnswers`, `carried` and
 * `register`; together they are its `answers`.
 */
export function completeSections(
	def: ChecklistDefinition,
	saved: Answers,
	carried: Answers = {},
	register: Answers = {}
): boolean[] {
	const answers = { ...carried, ...saved, ...register };
	return def.sections.map((s) => sectionComplete(s, answers));
}

/** Where an answer of "same as last round" comes from. */
export type SameSource = 'carried' | 'register' | 'asked';

export interface SameEntry {
	section: number;
	item: ChecklistItem;
	/**
	 * carried: last round's answer, submitted as it is; register: the register's figure; asked: not
	 * carried (or carried but last round left a required one blank), so it is answered again now.
	 */
	source: SameSource;
	/** The answer to submit, or for an asked item what the draft holds (null when nothing). */
	value: AnswerValue;
}

/**
 * What "same as last round" submits, item by item in the form's order, visible items only (a
 * condition is judged on the answers this plan gives the items before it).
 */
export function sameAsLastPlan(
	def: ChecklistDefinition,
	answers: { previous: Answers; register: Answers; saved: Answers }
): SameEntry[] {
	const given: Answers = {};
	const out: SameEntry[] = [];
	def.sections.forEach((section, si) => {
		for (const item of section.items) {
			if (!isVisible(item, given)) continue;
			const last = answers.previous[item.key];
			let entry: SameEntry;
			if (isRegisterItem(item.key) && item.key in answers.register)
				entry = { section: si, item, source: 'register', value: answers.register[item.key] };
			else if (itemCarriesOver(item) && !isRegisterItem(item.key) && (!isBlank(last) || !item.required))
				entry = { section: si, item, source: 'carried', value: last ?? null };
			else entry = { section: si, item, source: 'asked', value: answers.saved[item.key] ?? null };
			given[item.key] = entry.value;
			out.push(entry);
		}
	});
	return out;
}

/**
 * The step after section `index` (-1: the first) that asks something: register-only sections are
 * passed over (they cost no tap; the review step shows them), past the last one is the review.
 */
export function nextAskable(
	def: ChecklistDefinition,
	index: number,
	answers: Answers = {}
): number | 'review' {
	for (let i = index + 1; i < def.sections.length; i++)
		if (!isRegisterOnly(def.sections[i]!, answers)) return i;
	return 'review';
}

// Here, not in forms/checklist.ts (zod), so the checklist page names its fields without bundling zod.
/** An item's answer is posted as `a.<key>` (a multi choice repeats it), its out-of-line reason as `n.<key>`. */
export const answerField = (key: string) => `a.${key}`;
export const noteField = (key: string) => `n.${key}`;
