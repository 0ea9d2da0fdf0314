// The checklist rules the form, the server and the reports share: reading answers, the
// out-of-line check, conditions, section progress and the compliance rate.
import { describe, expect, it } from 'vitest';
import {
	complianceRate,
	COUNT_MAX,
	isOutOfLine,
	isVisible,
	parseAnswers,
	sameAnswer,
	sectionComplete,
	toFormValue,
	type ChecklistDefinition,
	type ChecklistItem
} from '../../src/lib/domain/checklist';

const item = (
	key: string,
	kind: ChecklistItem['kind'],
	extra: Partial<ChecklistItem> = {}
): ChecklistItem => ({
	key,
	kind,
	label: key,
	required: false,
	...extra
});

const options = (...values: string[]) => values.map((value) => ({ value, label: value }));

/** Parses one item's input as a draft save would. */
function one(it: ChecklistItem, input: string | string[]) {
	const { answers, problems } = parseAnswers([it], { [it.key]: input }, { requireComplete: false });
	return { value: answers[it.key], problem: problems[it.key] };
}

describe('reading a count', () => {
	const boards = item('boards', 'count');

	it.each([
		['0', 0],
		['12', 12],
		[' 7 ', 7],
		['1,200', 1200]
	])('takes %j as %i', (input, value) => {
		expect(one(boards, input)).toEqual({ value, problem: undefined });
	});

	it.each(['abc', '2.5', '3块', '∞', 'Infinity', '0x10', '1e3', '0b11'])(
		'refuses %j as not a whole number',
		(input) => {
			expect(one(boards, input).problem).toEqual({ code: 'not_whole_number' });
		}
	);

	it('refuses a negative count even without a minimum in the template', () => {
		expect(one(boards, '-1').problem).toEqual({ code: 'below_min', min: 0 });
	});

	it('caps a count without a maximum at the product-wide ceiling', () => {
		expect(one(boards, String(COUNT_MAX)).value).toBe(COUNT_MAX);
		expect(one(boards, String(COUNT_MAX + 1)).problem).toEqual({ code: 'above_max', max: COUNT_MAX });
	});

	it("uses the template's own bounds, inclusive", () => {
		const bounded = item('boards', 'count', { min: 2, max: 50 });
		expect(one(bounded, '2').value).toBe(2);
		expect(one(bounded, '50').value).toBe(50);
		expect(one(bounded, '1').problem).toEqual({ code: 'below_min', min: 2 });
		expect(one(bounded, '51').problem).toEqual({ code: 'above_max', max: 50 });
	});
});

describe('reading a number', () => {
	it('takes decimals and negatives when the template sets no bounds', () => {
		const n = item('hours', 'number');
		expect(one(n, '1.5').value).toBe(1.5);
		expect(one(n, '-3').value).toBe(-3);
	});

	it('refuses text as not a number', () => {
		expect(one(item('hours', 'number'), 'x').problem).toEqual({ code: 'not_number' });
	});

	it('applies bounds only when the template sets them', () => {
		const n = item('hours', 'number', { min: 0.5, max: 40 });
		expect(one(n, '0.4').problem).toEqual({ code: 'below_min', min: 0.5 });
		expect(one(n, '40.1').problem).toEqual({ code: 'above_max', max: 40 });
	});
});

describe('reading a yes/no', () => {
	it.each([
		['yes', true],
		['true', true],
		['no', false],
		['false', false]
	])('takes %j as %s', (input, value) => {
		expect(one(item('rehung', 'yes_no'), input).value).toBe(value);
	});

	it('refuses anything else', () => {
		expect(one(item('rehung', 'yes_no'), 'maybe').problem).toEqual({ code: 'not_yes_no' });
	});
});

describe('reading choices', () => {
	const trend = item('trend', 'single', { options: options('lighter', 'same', 'heavier') });
	const kinds = item('kinds', 'multi', { options: options('a', 'b', 'c', 'd'), min: 2, max: 3 });

	it('takes a single choice that is one of the options, and nothing else', () => {
		expect(one(trend, 'same').value).toBe('same');
		expect(one(trend, 'sometimes').problem).toEqual({ code: 'not_an_option' });
	});

	it('takes a multi choice as a list, without repeats or blanks', () => {
		expect(one(kinds, ['a', 'b', 'a', ' ']).value).toEqual(['a', 'b']);
	});

	it('refuses a list with an unknown option', () => {
		expect(one(kinds, ['a', 'zzz']).problem).toEqual({ code: 'not_an_option' });
	});

	it('counts choices against the bounds after repeats are removed', () => {
		expect(one(kinds, ['a', 'a']).problem).toEqual({ code: 'too_few_choices', min: 2 });
		expect(one(kinds, ['a', 'b', 'c', 'd']).problem).toEqual({ code: 'too_many_choices', max: 3 });
		expect(one(kinds, ['a', 'b', 'c']).value).toEqual(['a', 'b', 'c']);
	});

	it('takes one choice sent as plain text', () => {
		const free = item('kinds', 'multi', { options: options('a', 'b') });
		expect(one(free, 'b').value).toEqual(['b']);
	});
});

describe('reading a date', () => {
	const d = item('visited_on', 'date');

	it('takes a real calendar day, including 29 February in a leap year', () => {
		expect(one(d, '2026-03-31').value).toBe('2026-03-31');
		expect(one(d, '2024-02-29').value).toBe('2024-02-29');
	});

	it.each(['2026-02-30', '2025-02-29', '2026-13-01', '2026-3-1', 'not a date', '2026/03/01'])(
		'refuses %j',
		(input) => {
			expect(one(d, input).problem).toEqual({ code: 'not_date' });
		}
	);
});

describe('reading text', () => {
	it('takes short text up to 200 characters, counting each character once', () => {
		const t = item('remark', 'short_text');
		expect(one(t, '字'.repeat(200)).value).toBe('字'.repeat(200));
		// Emoji are two UTF-16 units but one character to the person typing.
		expect(one(t, '😀'.repeat(200)).problem).toBeUndefined();
		expect(one(t, '字'.repeat(201)).problem).toEqual({ code: 'too_long', max: 200 });
	});

	it('takes long text up to 2000 characters', () => {
		const t = item('story', 'long_text');
		expect(one(t, 'a'.repeat(2000)).problem).toBeUndefined();
		expect(one(t, 'a'.repeat(2001)).problem).toEqual({ code: 'too_long', max: 2000 });
	});

	it("uses the template's own maximum length", () => {
		expect(one(item('remark', 'short_text', { max: 5 }), '六个字太长了').problem).toEqual({
			code: 'too_long',
			max: 5
		});
	});

	it('trims the text it keeps', () => {
		expect(one(item('remark', 'short_text'), '  无变化 ').value).toBe('无变化');
	});
});

describe('blank and required answers', () => {
	const items = [
		item('boards', 'count', { required: true }),
		item('kinds', 'multi', { required: true, options: options('a', 'b') }),
		item('remark', 'short_text')
	];
	const blank = { boards: '  ', kinds: [], remark: undefined };

	it('keeps blanks as null without complaint while drafting', () => {
		expect(parseAnswers(items, blank, { requireComplete: false })).toEqual({
			answers: { boards: null, kinds: null, remark: null },
			problems: {}
		});
	});

	it('names each required blank when the whole form must be complete', () => {
		expect(parseAnswers(items, blank, { requireComplete: true }).problems).toEqual({
			boards: { code: 'required' },
			kinds: { code: 'required' }
		});
	});

	it('reports every bad item at once, and keeps the good ones', () => {
		const result = parseAnswers(
			items,
			{ boards: 'x', kinds: ['c'], remark: 'ok' },
			{ requireComplete: true }
		);
		expect(result.problems).toEqual({
			boards: { code: 'not_whole_number' },
			kinds: { code: 'not_an_option' }
		});
		expect(result.answers).toEqual({ remark: 'ok' });
	});
});

describe('conditional items', () => {
	const rehung = item('rehung', 'yes_no', { required: true });
	const detail = item('detail', 'short_text', { required: true, showWhen: { key: 'rehung', equals: true } });

	it('shows an item only when the earlier answer equals the value, strictly', () => {
		expect(isVisible(detail, { rehung: true })).toBe(true);
		expect(isVisible(detail, { rehung: false })).toBe(false);
		expect(isVisible(detail, {})).toBe(false);
		expect(isVisible(detail, { rehung: 'yes' })).toBe(false);
		expect(isVisible(rehung, {})).toBe(true);
	});

	it('drops the answer behind a condition that is now false, and does not require it', () => {
		const result = parseAnswers(
			[rehung, detail],
			{ rehung: 'no', detail: '旧答案' },
			{ requireComplete: true }
		);
		expect(result).toEqual({ answers: { rehung: false }, problems: {} });
	});

	it('requires the item once its condition holds in the same form', () => {
		const result = parseAnswers([rehung, detail], { rehung: 'yes', detail: '' }, { requireComplete: true });
		expect(result.problems).toEqual({ detail: { code: 'required' } });
	});

	it('reads the condition from another section through the context', () => {
		const withContext = parseAnswers(
			[detail],
			{ detail: '综治中心' },
			{ requireComplete: false, context: { rehung: true } }
		);
		expect(withContext.answers).toEqual({ detail: '综治中心' });
		const without = parseAnswers([detail], { detail: '综治中心' }, { requireComplete: false });
		expect(without.answers).toEqual({});
	});
});

describe('a value far out of line with last round', () => {
	it.each([
		[3, 30, true],
		[0, 10, true],
		[0, 9, false],
		[3, 12, false],
		[5, 15, true],
		[5, 14, false],
		[30, 10, true],
		[30, 11, false],
		[100, 105, false],
		[100, 300, true],
		[1.5, 20, true]
	])('from %d to %d: %s', (previous, next, expected) => {
		expect(isOutOfLine(previous, next)).toBe(expected);
	});

	it('is never judged without two numbers', () => {
		expect(isOutOfLine(undefined, 500)).toBe(false);
		expect(isOutOfLine(null, 500)).toBe(false);
		expect(isOutOfLine(3, null)).toBe(false);
		expect(isOutOfLine('3', 30)).toBe(false);
	});
});

describe('the compliance rate', () => {
	const def: ChecklistDefinition = {
		sections: [
			{
				key: 's',
				title: 's',
				items: [
					item('rehung', 'yes_no', { compliantWhen: { op: 'eq', value: false } }),
					item('new_bodies', 'count', { compliantWhen: { op: 'lte', value: 0 } }),
					item('meetings_cut', 'count', { compliantWhen: { op: 'gte', value: 2 } }),
					item('trend', 'single', { compliantWhen: { op: 'eq', value: 'lighter' } }),
					item('extra', 'count', {
						compliantWhen: { op: 'lte', value: 0 },
						showWhen: { key: 'rehung', equals: true }
					}),
					item('boards', 'count')
				]
			}
		]
	};

	it('is the share of judged items that meet their rule', () => {
		expect(complianceRate(def, { rehung: false, new_bodies: 0, meetings_cut: 2, trend: 'lighter' })).toBe(1);
		expect(complianceRate(def, { rehung: false, new_bodies: 1, meetings_cut: 1, trend: 'lighter' })).toBe(
			0.5
		);
	});

	it('leaves out unanswered items, items without a rule and hidden items', () => {
		// extra is hidden (rehung is false), so its failing 5 does not count; boards has no rule.
		expect(complianceRate(def, { rehung: false, new_bodies: null, extra: 5, boards: 99 })).toBe(1);
	});

	it('counts a shown conditional item', () => {
		expect(complianceRate(def, { rehung: true, extra: 5 })).toBe(0);
	});

	it('does not judge a bound rule against a value that is not a number', () => {
		expect(complianceRate(def, { new_bodies: 'none' as unknown as number })).toBeNull();
	});

	it('is null when nothing can be judged', () => {
		expect(complianceRate(def, {})).toBeNull();
	});
});

describe('section progress', () => {
	const section = {
		key: 's',
		title: 's',
		items: [
			item('rehung', 'yes_no', { required: true }),
			item('detail', 'short_text', { required: true, showWhen: { key: 'rehung', equals: true } }),
			item('kinds', 'multi', { required: false, options: options('a', 'b') })
		]
	};

	it('is complete when every visible required item has an answer, false counting as one', () => {
		expect(sectionComplete(section, { rehung: false })).toBe(true);
		expect(sectionComplete(section, { rehung: true, detail: '综治中心' })).toBe(true);
	});

	it('is incomplete while a shown required item is blank', () => {
		expect(sectionComplete(section, {})).toBe(false);
		expect(sectionComplete(section, { rehung: true, detail: ' ' })).toBe(false);
	});
});

describe('answers in form fields', () => {
	it('turns each kind of answer into what the field holds', () => {
		expect(toFormValue(null)).toBe('');
		expect(toFormValue(undefined)).toBe('');
		expect(toFormValue(true)).toBe('yes');
		expect(toFormValue(false)).toBe('no');
		expect(toFormValue(0)).toBe('0');
		expect(toFormValue(1.5)).toBe('1.5');
		expect(toFormValue(['a', 'b'])).toEqual(['a', 'b']);
		expect(toFormValue('2026-03-31')).toBe('2026-03-31');
	});

	it('reads back every answer it wrote', () => {
		const items = [
			item('b', 'count'),
			item('h', 'number'),
			item('y', 'yes_no'),
			item('s', 'single', { options: options('x', 'z') }),
			item('m', 'multi', { options: options('x', 'z') }),
			item('d', 'date'),
			item('t', 'long_text')
		];
		const answers = { b: 3, h: -1.5, y: false, s: 'z', m: ['x', 'z'], d: '2026-01-05', t: '无' };
		const raw = Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, toFormValue(v)]));
		expect(parseAnswers(items, raw, { requireComplete: true })).toEqual({ answers, problems: {} });
	});

	it('treats a missing answer and a blank one as the same', () => {
		expect(sameAnswer(undefined, null)).toBe(true);
		expect(sameAnswer(['a'], ['a'])).toBe(true);
		expect(sameAnswer(0, null)).toBe(false);
		expect(sameAnswer(false, null)).toBe(false);
	});
});
