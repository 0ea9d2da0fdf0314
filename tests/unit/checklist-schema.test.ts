// What a template definition must look like before an admin can save or publish it.
import { describe, expect, it } from 'vitest';
import { parseDefinition } from '../../src/lib/domain/checklist-schema';
import { defaultDefinition } from '../../src/lib/domain/default-template';

const section = (items: unknown[], key = 's1') => ({ key, title: '一节', items });
const yesNo = (key: string, extra: object = {}) => ({
	key,
	kind: 'yes_no',
	label: key,
	required: true,
	...extra
});

function problemsOf(json: unknown): string[] {
	const result = parseDefinition(json);
	if (result.ok) throw new Error('expected the definition to be refused');
	return result.problems;
}

describe('a template definition', () => {
	it('accepts the default 六必查 unchanged', () => {
		expect(parseDefinition(defaultDefinition)).toEqual({ ok: true, definition: defaultDefinition });
	});

	it('refuses a key used twice, even across sections, naming where', () => {
		const problems = problemsOf({ sections: [section([yesNo('a')]), section([yesNo('a')], 's2')] });
		expect(problems).toEqual(['sections.1.items.0.key: duplicate key a']);
	});

	it('refuses a condition on a later item, or on the item itself', () => {
		expect(
			problemsOf({ sections: [section([yesNo('a', { showWhen: { key: 'b', equals: true } }), yesNo('b')])] })
		).toEqual(['sections.0.items.0.showWhen: showWhen must refer to an earlier item, not b']);
		expect(
			problemsOf({ sections: [section([yesNo('a', { showWhen: { key: 'a', equals: true } })])] })
		).toHaveLength(1);
	});

	it('accepts a condition on an item in an earlier section', () => {
		const def = {
			sections: [section([yesNo('a')]), section([yesNo('b', { showWhen: { key: 'a', equals: true } })], 's2')]
		};
		expect(parseDefinition(def).ok).toBe(true);
	});

	it('refuses choice items without options, or with only one', () => {
		for (const kind of ['single', 'multi']) {
			expect(problemsOf({ sections: [section([{ key: 'c', kind, label: 'c', required: true }])] })).toEqual([
				'sections.0.items.0.options: choice items need options'
			]);
			const one = { key: 'c', kind, label: 'c', required: true, options: [{ value: 'x', label: 'x' }] };
			expect(problemsOf({ sections: [section([one])] })[0]).toMatch(/^sections\.0\.items\.0\.options:/);
		}
	});

	it('refuses keys that are not lower-case identifiers', () => {
		for (const key of ['Boards', '1st', 'a-b', '', 'a'.repeat(49)]) {
			expect(problemsOf({ sections: [section([yesNo(key)])] })[0]).toMatch(/^sections\.0\.items\.0\.key:/);
		}
	});

	it('refuses unknown fields, kinds and empty parts', () => {
		expect(problemsOf({ sections: [section([yesNo('a', { colour: 'red' })])] })).toHaveLength(1);
		expect(problemsOf({ sections: [section([yesNo('a', { kind: 'photo' })])] })).toHaveLength(1);
		expect(problemsOf({ sections: [section([])] })).toHaveLength(1);
		expect(problemsOf({ sections: [] })).toHaveLength(1);
		expect(problemsOf({ sections: [section([yesNo('a', { label: '   ' })])] })).toHaveLength(1);
		expect(problemsOf(null)).toHaveLength(1);
	});

	it('refuses a minimum above the maximum but accepts equal bounds', () => {
		const count = (min: number, max: number) => ({
			key: 'n',
			kind: 'count',
			label: 'n',
			required: true,
			min,
			max
		});
		expect(problemsOf({ sections: [section([count(5, 4)])] })).toEqual([
			'sections.0.items.0.min: min is above max'
		]);
		expect(parseDefinition({ sections: [section([count(4, 4)])] }).ok).toBe(true);
	});

	it('refuses a compliance rule whose bound is not a number', () => {
		const rule = { compliantWhen: { op: 'lte', value: 'zero' } };
		expect(problemsOf({ sections: [section([yesNo('a', rule)])] })).toHaveLength(1);
	});
});
