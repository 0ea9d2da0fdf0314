// What carries into the next round, which sections need no tap, and what "same as last round"
// would submit: the pure rules the checklist page and the services share.
import { describe, expect, it } from 'vitest';
import {
	completeSections,
	isRegisterOnly,
	itemCarriesOver,
	itemKinds,
	sameAsLastPlan,
	sectionComplete,
	type ChecklistDefinition,
	type ChecklistItem
} from '../../src/lib/domain/checklist';
import { parseDefinition } from '../../src/lib/domain/checklist-schema';
import { defaultDefinition } from '../../src/lib/domain/default-template';

const item = (kind: ChecklistItem['kind'], extra: Partial<ChecklistItem> = {}): ChecklistItem => ({
	key: `k_${kind}`,
	kind,
	label: kind,
	required: true,
	...(kind === 'single' || kind === 'multi'
		? {
				options: [
					{ value: 'a', label: 'A' },
					{ value: 'b', label: 'B' }
				]
			}
		: {}),
	...extra
});

describe('carrying over', () => {
	it('follows the kind for an item stored before the setting existed', () => {
		const carried = itemKinds.filter((k) => itemCarriesOver(item(k)));
		expect(carried).toEqual(['yes_no', 'count', 'number', 'multi']);
	});

	it('follows the item’s own setting where it has one', () => {
		expect(itemCarriesOver(item('count', { carriesOver: false }))).toBe(false);
		expect(itemCarriesOver(item('long_text', { carriesOver: true }))).toBe(true);
	});

	it('carries facts in the default template, and not period events, the burden text or the feeling', () => {
		const items = defaultDefinition.sections.flatMap((s) => s.items);
		const by = (key: string) => itemCarriesOver(items.find((i) => i.key === key)!);
		expect(['mechanisms_hosted', 'apps_required', 'work_groups'].map(by)).toEqual([true, true, true]);
		expect(['mechanisms_new', 'meetings_attended', 'heaviest_burden', 'burden_trend'].map(by)).toEqual([
			false,
			false,
			false,
			false
		]);
	});

	it('is a setting a template may have, and only a yes or no', () => {
		const def = (carriesOver: unknown) => ({
			sections: [
				{
					key: 's',
					title: 'S',
					items: [{ key: 'a', kind: 'count', label: 'A', required: true, carriesOver }]
				}
			]
		});
		expect(parseDefinition(def(false)).ok).toBe(true);
		expect(parseDefinition(def('no')).ok).toBe(false);
		expect(parseDefinition(defaultDefinition).ok).toBe(true);
	});
});

describe('sections made only of register figures', () => {
	const [signboards, mechanisms, certificates, secondments] = defaultDefinition.sections;

	it('are 查牌子 and 查借调 in the default template', () => {
		expect(defaultDefinition.sections.filter((s) => isRegisterOnly(s)).map((s) => s.title)).toEqual([
			'查牌子',
			'查借调'
		]);
		expect(isRegisterOnly(mechanisms)).toBe(false);
		expect(isRegisterOnly(certificates)).toBe(false);
	});

	it('stop being register-only when the register makes a typed question appear', () => {
		expect(isRegisterOnly(signboards, { signboards_rehung: true })).toBe(false);
	});

	it('count complete with nothing saved', () => {
		expect(sectionComplete(secondments, {})).toBe(true);
		expect(sectionComplete(signboards, {})).toBe(true);
		expect(sectionComplete(signboards, { signboards_rehung: true })).toBe(false);
		expect(sectionComplete(signboards, { signboards_rehung: true, signboards_rehung_detail: '老龄委' })).toBe(
			true
		);
	});
});

describe('complete sections', () => {
	it('count what is saved, what is carried and the register figures', () => {
		const carried = { mechanisms_hosted: 3, apps_required: 4, work_groups: 6 };
		expect(completeSections(defaultDefinition, {}, carried, { signboards_rehung: false })).toEqual([
			true,
			false,
			true,
			true,
			false,
			false
		]);
		expect(
			completeSections(defaultDefinition, { mechanisms_new: 0 }, carried, { signboards_rehung: true })
		).toEqual([false, true, true, true, false, false]);
	});

	it('let a blank saved this round win over a carried answer', () => {
		const def: ChecklistDefinition = { sections: [{ key: 's', title: 'S', items: [item('count')] }] };
		expect(completeSections(def, { k_count: null }, { k_count: 3 })).toEqual([false]);
		expect(completeSections(def, {}, { k_count: 3 })).toEqual([true]);
	});
});

describe('what "same as last round" submits', () => {
	const def: ChecklistDefinition = {
		sections: [
			{
				key: 'a',
				title: 'A',
				items: [
					{ key: 'signboards_rehung', kind: 'yes_no', label: '重挂？', required: true },
					{
						key: 'detail',
						kind: 'short_text',
						label: '哪些？',
						required: true,
						showWhen: { key: 'signboards_rehung', equals: true }
					},
					{ key: 'hosted', kind: 'count', label: '机制', required: true },
					{ key: 'new_one', kind: 'count', label: '新机制', required: true, carriesOver: false },
					{ key: 'blank_last', kind: 'count', label: '上轮空', required: true },
					{ key: 'optional_fact', kind: 'count', label: '选填', required: false }
				]
			}
		]
	};
	const plan = (register: boolean) =>
		Object.fromEntries(
			sameAsLastPlan(def, {
				previous: { hosted: 3, new_one: 1, detail: '旧', signboards_rehung: false },
				register: { signboards_rehung: register },
				saved: { new_one: 2 }
			}).map((e) => [e.item.key, [e.source, e.value]])
		);

	it('takes the register’s figures, last round’s carrying answers, and asks for the rest', () => {
		expect(plan(false)).toEqual({
			signboards_rehung: ['register', false],
			hosted: ['carried', 3],
			// Does not carry: asked, showing what the draft holds.
			new_one: ['asked', 2],
			// Carries, but last round left a required one blank: asked.
			blank_last: ['asked', null],
			// Carries and is optional: submitted blank as last round had it.
			optional_fact: ['carried', null]
		});
	});

	it('asks a question the register makes appear, never taking last round’s text for it', () => {
		expect(plan(true).detail).toEqual(['asked', null]);
	});
});
