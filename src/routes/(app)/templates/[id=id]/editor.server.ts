// The structured editor on the server: a definition into editable fields, a post back into them,
// the structural edits (add, remove, move), and the check that turns the fields into a definition.
import {
	itemKinds,
	LONG_TEXT_MAX,
	SHORT_TEXT_MAX,
	type ChecklistDefinition,
	type ChecklistItem,
	type ChoiceOption,
	type ItemKind
} from '$lib/domain/checklist';
import { definitionSchema } from '$lib/domain/checklist-schema';
import { m } from '$lib/paraglide/messages.js';
import type { TemplateVersion } from '$lib/server/checklists/templates.service';
import {
	carriesValues,
	fieldId,
	itemName,
	kindUses,
	ruleOps,
	sectionName,
	showEqualsValues,
	type Carries,
	type EditorItem,
	type EditorSection,
	type EditorState,
	type ItemField,
	type RuleOp,
	type ShowEquals
} from './editor';

const KEY = /^[a-z][a-z0-9_]{0,47}$/;
const MAX_KEY = 48;
// The same limits as definitionSchema, checked here so each gets a message beside its field.
const LIMIT = { sections: 30, items: 100, options: 30, title: 100, label: 300, help: 500, option: 100 };

export interface EditorContext {
	/** Kinds of the items in any published version. */
	lockedKinds: Map<string, ItemKind>;
	/** Every item and section key any version has used: new keys avoid them, so no old trend is joined. */
	usedKeys: Set<string>;
}

export function editorContext(versions: TemplateVersion[]): EditorContext {
	const lockedKinds = new Map<string, ItemKind>();
	const usedKeys = new Set<string>();
	for (const v of versions)
		for (const s of v.definition.sections) {
			usedKeys.add(s.key);
			for (const item of s.items) {
				usedKeys.add(item.key);
				if (v.status === 'published' && !lockedKinds.has(item.key)) lockedKinds.set(item.key, item.kind);
			}
		}
	return { lockedKinds, usedKeys };
}

export function toEditor(def: ChecklistDefinition, ctx: EditorContext): EditorState {
	return {
		sections: def.sections.map((s) => ({
			key: s.key,
			title: s.title,
			items: s.items.map((item) => toEditorItem(item, ctx))
		}))
	};
}

function toEditorItem(item: ChecklistItem, ctx: EditorContext): EditorItem {
	const rule = item.compliantWhen;
	let ruleFields: Pick<EditorItem, 'ruleOp' | 'ruleValue' | 'ruleJson'> = {
		ruleOp: '',
		ruleValue: '',
		ruleJson: ''
	};
	if (rule && item.kind === 'yes_no' && rule.op === 'eq' && typeof rule.value === 'boolean')
		ruleFields = { ruleOp: rule.value ? 'eq_true' : 'eq_false', ruleValue: '', ruleJson: '' };
	else if (rule && (item.kind === 'count' || item.kind === 'number') && rule.op !== 'eq')
		ruleFields = { ruleOp: rule.op, ruleValue: String(rule.value), ruleJson: '' };
	else if (rule) ruleFields = { ruleOp: 'custom', ruleValue: '', ruleJson: JSON.stringify(rule) };

	const show = item.showWhen;
	const plain = typeof show?.equals === 'boolean';
	return {
		key: item.key,
		// A kind changed in the JSON editor does not stick on a published item: the form shows what it saves.
		kind: ctx.lockedKinds.get(item.key) ?? item.kind,
		locked: ctx.lockedKinds.has(item.key),
		label: item.label,
		help: item.help ?? '',
		required: item.required,
		carries: item.carriesOver === undefined ? '' : item.carriesOver ? 'yes' : 'no',
		min: item.min === undefined ? '' : String(item.min),
		max: item.max === undefined ? '' : String(item.max),
		options: (item.options ?? []).map((o) => `${o.value}=${o.label}`).join('\n'),
		...ruleFields,
		showKey: show?.key ?? '',
		showEquals: !show ? '' : plain ? (show.equals ? 'yes' : 'no') : 'custom',
		showJson: show && !plain ? JSON.stringify(show.equals) : ''
	};
}

const oneOf = <T extends string>(list: readonly T[], value: string, fallback: T): T =>
	(list as readonly string[]).includes(value) ? (value as T) : fallback;

/**
 * Reads the editor's fields back. Kinds of published items come from the database, never from the
 * post. Reads one section and one item past the limits, so "too many" is reported, not cut off.
 */
export function readEditor(form: FormData, ctx: EditorContext): EditorState {
	const text = (name: string) => {
		const v = form.get(name);
		return typeof v === 'string' ? v : '';
	};
	const sections: EditorSection[] = [];
	for (let si = 0; si <= LIMIT.sections && form.has(sectionName(si, 'key')); si++) {
		const items: EditorItem[] = [];
		for (let ii = 0; ii <= LIMIT.items && form.has(itemName(si, ii, 'key')); ii++) {
			const f = (field: ItemField) => text(itemName(si, ii, field));
			const key = f('key').trim();
			const locked = ctx.lockedKinds.get(key);
			items.push({
				key,
				kind: locked ?? oneOf(itemKinds, f('kind'), 'yes_no'),
				locked: locked !== undefined,
				label: f('label'),
				help: f('help'),
				required: form.has(itemName(si, ii, 'required')),
				carries: oneOf<Carries>(carriesValues, f('carries'), ''),
				min: f('min'),
				max: f('max'),
				options: f('options'),
				ruleOp: oneOf<RuleOp>(ruleOps, f('ruleOp'), ''),
				ruleValue: f('ruleValue'),
				ruleJson: f('ruleJson'),
				showKey: f('showKey').trim(),
				showEquals: oneOf<ShowEquals>(showEqualsValues, f('showEquals'), ''),
				showJson: f('showJson')
			});
		}
		sections.push({ key: text(sectionName(si, 'key')).trim(), title: text(sectionName(si, 'title')), items });
	}
	return { sections };
}

export const changes = [
	'addItem',
	'removeItem',
	'moveUp',
	'moveDown',
	'addSection',
	'removeSection'
] as const;
export type Change = (typeof changes)[number];

function freshKey(base: string, start: number, taken: Set<string>): string {
	const stem = base.slice(0, MAX_KEY - 8);
	for (let n = start; ; n++) {
		const key = `${stem}${n}`;
		if (!taken.has(key)) return key;
	}
}

function takenKeys(state: EditorState, ctx: EditorContext): Set<string> {
	const taken = new Set(ctx.usedKeys);
	for (const s of state.sections) {
		taken.add(s.key);
		for (const item of s.items) taken.add(item.key);
	}
	return taken;
}

function newItem(key: string): EditorItem {
	return {
		key,
		kind: 'yes_no',
		locked: false,
		// A real label, so the draft saves at once; the page selects it for typing over.
		label: m.template_new_item_label(),
		help: '',
		required: true,
		carries: '',
		min: '',
		max: '',
		options: '',
		ruleOp: '',
		ruleValue: '',
		ruleJson: '',
		showKey: '',
		showEquals: '',
		showJson: ''
	};
}

/**
 * Applies one structural edit to the posted state. `target` is `si` or `si.ii`; a target that no
 * longer exists (a stale page) changes nothing. Returns the id of the element to focus afterwards.
 */
export function applyChange(
	state: EditorState,
	change: Change,
	target: string,
	ctx: EditorContext
): string | undefined {
	const match = /^(\d+)(?:\.(\d+))?$/.exec(target.trim());
	const si = match ? Number(match[1]) : -1;
	const ii = match?.[2] !== undefined ? Number(match[2]) : -1;
	const section = state.sections[si];
	const items = section?.items;

	switch (change) {
		case 'addSection': {
			const taken = takenKeys(state, ctx);
			const key = freshKey('section', state.sections.length + 1, taken);
			taken.add(key);
			state.sections.push({
				key,
				title: m.template_new_section_title(),
				items: [newItem(freshKey(`${key}_item`, 1, taken))]
			});
			return fieldId(sectionName(state.sections.length - 1, 'title'));
		}
		case 'removeSection':
			// Only an empty section goes: removing items is a separate, visible step.
			if (!section || section.items.length > 0) return undefined;
			state.sections.splice(si, 1);
			return 'add-section';
		case 'addItem':
			if (!items) return undefined;
			items.push(newItem(freshKey(`${section.key}_item`, items.length + 1, takenKeys(state, ctx))));
			return fieldId(itemName(si, items.length - 1, 'label'));
		case 'removeItem':
			if (!items?.[ii]) return undefined;
			items.splice(ii, 1);
			return `add-item-${si}`;
		case 'moveUp':
		case 'moveDown': {
			const to = change === 'moveUp' ? ii - 1 : ii + 1;
			if (!items?.[ii] || !items[to]) return undefined;
			[items[ii], items[to]] = [items[to], items[ii]];
			// Keep focus on the same button unless it is now disabled (at the top or the bottom).
			const button = change === 'moveUp' ? (to > 0 ? 'up' : 'down') : to < items.length - 1 ? 'down' : 'up';
			return `${button}-${si}-${to}`;
		}
	}
}

export type EditorCheck =
	| { ok: true; definition: ChecklistDefinition }
	| { ok: false; errors: Record<string, string>; general: string[] };

/** The fields as a definition, or a message per field (Chinese by default) and general problems. */
export function checkEditor(state: EditorState): EditorCheck {
	const errors: Record<string, string> = {};
	const general: string[] = [];
	const set = (name: string, message: string) => {
		errors[name] ??= message;
	};

	if (state.sections.length === 0) general.push(m.template_err_no_sections());
	if (state.sections.length > LIMIT.sections)
		general.push(m.template_err_too_many_sections({ max: LIMIT.sections }));

	// Kinds of the items so far, in answer order: a condition may only look back.
	const earlier = new Map<string, ItemKind>();
	const sectionKeys = new Set<string>();
	const definition: ChecklistDefinition = {
		sections: state.sections.map((s, si) => {
			if (!KEY.test(s.key) || sectionKeys.has(s.key))
				general.push(m.template_err_section_key({ key: s.key }));
			sectionKeys.add(s.key);
			const title = s.title.trim();
			if (!title) set(sectionName(si, 'title'), m.template_err_title_required());
			else if (title.length > LIMIT.title)
				set(sectionName(si, 'title'), m.template_err_too_long({ max: LIMIT.title }));
			if (s.items.length === 0) set(sectionName(si), m.template_err_section_empty());
			if (s.items.length > LIMIT.items)
				set(sectionName(si), m.template_err_too_many_items({ max: LIMIT.items }));
			return {
				key: s.key,
				title,
				items: s.items.map((item, ii) => checkItem(item, (field) => itemName(si, ii, field), earlier, set))
			};
		})
	};
	if (Object.keys(errors).length || general.length) return { ok: false, errors, general };

	// A backstop for what the fields above do not cover (rules and conditions kept from JSON).
	const parsed = definitionSchema.safeParse(definition);
	if (!parsed.success) {
		for (const issue of parsed.error.issues) {
			const [top, si, mid, ii, field] = issue.path;
			const at: Partial<Record<PropertyKey, ItemField>> = {
				compliantWhen: 'ruleOp',
				showWhen: 'showKey',
				options: 'options',
				min: 'min',
				max: 'max',
				key: 'key',
				label: 'label',
				help: 'help'
			};
			const mapped = field !== undefined ? at[field] : undefined;
			if (top === 'sections' && mid === 'items' && typeof si === 'number' && typeof ii === 'number' && mapped)
				set(itemName(si, ii, mapped), m.template_err_invalid());
			else general.push(`${issue.path.join('.')}: ${issue.message}`);
		}
		return { ok: false, errors, general };
	}
	return { ok: true, definition: parsed.data as ChecklistDefinition };
}

function checkItem(
	item: EditorItem,
	name: (field: ItemField) => string,
	earlier: Map<string, ItemKind>,
	set: (name: string, message: string) => void
): ChecklistItem {
	const out: ChecklistItem = {
		key: item.key,
		kind: item.kind,
		label: item.label.trim(),
		required: item.required
	};
	const uses = kindUses(item.kind);
	if (item.carries) out.carriesOver = item.carries === 'yes';

	if (!KEY.test(item.key)) set(name('key'), m.template_err_key());
	else if (earlier.has(item.key)) set(name('key'), m.template_err_key_duplicate({ key: item.key }));

	if (!out.label) set(name('label'), m.template_err_label_required());
	else if (out.label.length > LIMIT.label) set(name('label'), m.template_err_too_long({ max: LIMIT.label }));
	const help = item.help.trim();
	if (help.length > LIMIT.help) set(name('help'), m.template_err_too_long({ max: LIMIT.help }));
	if (help) out.help = help;

	if (uses.options) {
		const parsed = parseOptions(item.options);
		if (parsed.problem) set(name('options'), parsed.problem);
		else out.options = parsed.options;
	}

	// Counts, text lengths and numbers of choices are whole numbers from 0 up.
	const whole = item.kind !== 'number';
	const bound = (field: 'min' | 'max'): number | undefined => {
		const text = item[field].trim();
		if (text === '') return undefined;
		const n = Number(text);
		if (!Number.isFinite(n)) set(name(field), m.template_err_not_number());
		else if (whole && (!Number.isInteger(n) || n < 0)) set(name(field), m.template_err_whole());
		else return n;
		return undefined;
	};
	const min = uses.min ? bound('min') : undefined;
	const max = uses.max ? bound('max') : undefined;
	if (min !== undefined && max !== undefined && min > max) set(name('min'), m.template_err_min_above_max());
	if (max !== undefined && (item.kind === 'short_text' || item.kind === 'long_text')) {
		const cap = item.kind === 'short_text' ? SHORT_TEXT_MAX : LONG_TEXT_MAX;
		if (max < 1 || max > cap) set(name('max'), m.template_err_text_max({ max: cap }));
	}
	if (item.kind === 'multi' && min !== undefined && out.options && min > out.options.length)
		set(name('min'), m.template_err_min_choices({ count: out.options.length }));
	if (min !== undefined) out.min = min;
	if (max !== undefined) out.max = max;

	if (item.ruleOp === 'custom') {
		const rule = parseJson(item.ruleJson);
		if (rule === undefined) set(name('ruleOp'), m.template_err_invalid());
		else out.compliantWhen = rule as ChecklistItem['compliantWhen'];
	} else if (uses.rule && (item.ruleOp === 'eq_false' || item.ruleOp === 'eq_true')) {
		if (item.kind !== 'yes_no') set(name('ruleOp'), m.template_err_rule_kind());
		else out.compliantWhen = { op: 'eq', value: item.ruleOp === 'eq_true' };
	} else if (uses.rule && (item.ruleOp === 'lte' || item.ruleOp === 'gte')) {
		const text = item.ruleValue.trim();
		const n = Number(text);
		if (item.kind === 'yes_no') set(name('ruleOp'), m.template_err_rule_kind());
		else if (text === '' || !Number.isFinite(n)) set(name('ruleValue'), m.template_err_rule_value());
		else out.compliantWhen = { op: item.ruleOp, value: n };
	}

	if (item.showKey) {
		if (!earlier.has(item.showKey)) set(name('showKey'), m.template_err_show_earlier());
		else if (item.showEquals === 'yes' || item.showEquals === 'no')
			out.showWhen = { key: item.showKey, equals: item.showEquals === 'yes' };
		else if (item.showEquals === 'custom') {
			const equals = parseJson(item.showJson);
			if (!['string', 'number', 'boolean'].includes(typeof equals))
				set(name('showEquals'), m.template_err_invalid());
			else out.showWhen = { key: item.showKey, equals: equals as string | number | boolean };
		} else set(name('showEquals'), m.template_err_show_equals());
	}

	if (!earlier.has(item.key)) earlier.set(item.key, item.kind);
	return out;
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/** `value=标签` lines, or bare labels that get a generated value (opt1, opt2…). */
export function parseOptions(text: string): { options: ChoiceOption[]; problem?: string } {
	const lines = text
		.split(/\r?\n/)
		.map((l) => l.trim())
		.filter(Boolean);
	const draft: { value: string | null; label: string }[] = [];
	const values = new Set<string>();
	for (const line of lines) {
		const pair = /^([A-Za-z0-9_-]+)\s*=\s*(.*)$/.exec(line);
		if (!pair) {
			draft.push({ value: null, label: line });
			continue;
		}
		const [, value, label] = pair;
		if (!KEY.test(value)) return { options: [], problem: m.template_err_option_value({ value }) };
		if (values.has(value)) return { options: [], problem: m.template_err_option_duplicate({ value }) };
		if (!label.trim()) return { options: [], problem: m.template_err_option_label({ value }) };
		values.add(value);
		draft.push({ value, label: label.trim() });
	}
	if (draft.length < 2) return { options: [], problem: m.template_err_options_few() };
	if (draft.length > LIMIT.options)
		return { options: [], problem: m.template_err_options_many({ max: LIMIT.options }) };
	const long = draft.find((o) => o.label.length > LIMIT.option);
	if (long) return { options: [], problem: m.template_err_option_long({ max: LIMIT.option }) };
	let n = 0;
	const options = draft.map((o) => {
		if (o.value) return { value: o.value, label: o.label };
		let value: string;
		do value = `opt${++n}`;
		while (values.has(value));
		values.add(value);
		return { value, label: o.label };
	});
	return { options };
}
