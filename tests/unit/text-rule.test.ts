// The one text rule every stored field goes through, as a plain function and as a zod field.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseDefinition } from '../../src/lib/domain/checklist-schema';
import { cleanText, password, requiredText, text } from '../../src/lib/forms/text-rule';
import { useLocale } from '../helpers/event';

useLocale('zh');

const BAD = '含有无法保存的控制字符。';
const messagesOf = (schema: z.ZodType, value: unknown) => {
	const r = schema.safeParse(value);
	return r.success ? [] : r.error.issues.map((i) => i.message);
};

describe('cleanText', () => {
	it('refuses NUL, other C0 characters and DEL', () => {
		for (const v of ['a\u0000b', '\u0000', 'a\u0001', 'a\u001bb', 'a\u007fb'])
			expect(cleanText(v, { max: 100 })).toEqual({ problem: { code: 'bad_characters' } });
		expect(cleanText('a\u0000b', { max: 100, multiline: true })).toEqual({
			problem: { code: 'bad_characters' }
		});
	});

	it('refuses C1 characters', () => {
		for (const v of ['a\u0080b', 'a\u0085b', 'a\u009fb'])
			expect(cleanText(v, { max: 100, multiline: true })).toEqual({ problem: { code: 'bad_characters' } });
	});

	it('allows tab and newline only when multiline, storing CRLF as LF', () => {
		for (const v of ['a\tb', 'a\nb', 'a\r\nb', 'a\rb'])
			expect(cleanText(v, { max: 100 })).toEqual({ problem: { code: 'bad_characters' } });
		expect(cleanText('a\tb', { max: 100, multiline: true })).toEqual({ value: 'a\tb' });
		expect(cleanText('第一行\r\n第二行\r第三行', { max: 100, multiline: true })).toEqual({
			value: '第一行\n第二行\n第三行'
		});
	});

	it('refuses a lone surrogate but keeps a pair', () => {
		for (const v of ['a\ud800b', 'a\udc00', '\ud83d'])
			expect(cleanText(v, { max: 100, multiline: true })).toEqual({ problem: { code: 'bad_characters' } });
		expect(cleanText('签到😀', { max: 100 })).toEqual({ value: '签到😀' });
	});

	it('stores NFC and trims, also Unicode spaces', () => {
		expect(cleanText('e\u0301', { max: 100 })).toEqual({ value: '\u00e9' });
		expect(cleanText('  \u3000党群服务中心\u00a0 ', { max: 100 })).toEqual({ value: '党群服务中心' });
		expect(cleanText('\n  说明\n\n', { max: 100, multiline: true })).toEqual({ value: '说明' });
	});

	it('counts the length in characters after NFC and trimming', () => {
		// Five decomposed letters are ten code units, but five characters once composed.
		expect(cleanText('e\u0301'.repeat(5), { max: 5 })).toEqual({ value: '\u00e9'.repeat(5) });
		expect(cleanText(`  ${'字'.repeat(5)}  `, { max: 5 })).toEqual({ value: '字'.repeat(5) });
		expect(cleanText('😀'.repeat(5), { max: 5 })).toEqual({ value: '😀'.repeat(5) });
		expect(cleanText('字'.repeat(6), { max: 5 })).toEqual({ problem: { code: 'too_long', max: 5 } });
		expect(cleanText('x'.repeat(10_000))).toEqual({ value: 'x'.repeat(10_000) });
	});
});

describe('the zod fields', () => {
	it('give the field message for bad characters and store the tidied text', () => {
		expect(messagesOf(text(100), 'a\u0000b')).toEqual([BAD]);
		expect(messagesOf(text(100), 'a\u0085b')).toEqual([BAD]);
		expect(messagesOf(text(100), 'a\nb')).toEqual([BAD]);
		expect(text(100, { multiline: true }).parse(' a\r\nb ')).toBe('a\nb');
		expect(text(100).parse(' e\u0301 ')).toBe('\u00e9');
		expect(messagesOf(text(100), 'x'.repeat(10_000))).toEqual(['不能超过 100 个字符。']);
		expect(text(2).parse('e\u0301e\u0301')).toBe('\u00e9\u00e9');
	});

	it('check required and patterns against the tidied text', () => {
		expect(messagesOf(requiredText(10), '   ')).toEqual(['此项必填。']);
		expect(messagesOf(requiredText(10).regex(/^[a-z]+$/, 'pattern'), ' abc ')).toEqual([]);
		expect(messagesOf(requiredText(10), '\u0000')).toEqual([BAD]);
	});

	it('follow the language at check time, not when the schema was built', () => {
		const schema = text(3);
		useLocale('en');
		try {
			expect(messagesOf(schema, 'a\u0000')).toEqual(['Contains characters that cannot be stored.']);
			expect(messagesOf(schema, 'abcd')).toEqual(['At most 3 characters.']);
		} finally {
			useLocale('zh');
		}
	});

	it('keep a password exactly as typed, refusing only NUL', () => {
		expect(password(200).parse('  e\u0301 pass\tword ')).toBe('  e\u0301 pass\tword ');
		expect(messagesOf(password(200), 'secret\u0000more')).toEqual([BAD]);
		expect(messagesOf(password(5), 'abcdef')).toEqual(['不能超过 5 个字符。']);
	});
});

describe('a template definition', () => {
	// JSON escapes are where a NUL or a lone surrogate can still arrive.
	const withLabel = (label: string) =>
		JSON.parse(
			`{"sections":[{"key":"s","title":"节","items":[{"key":"a","kind":"yes_no","label":"${label}","required":true}]}]}`
		);

	it('refuses a NUL or a lone surrogate in a label, and stores labels composed', () => {
		for (const label of ['\\u0000', '\\ud800'])
			expect(parseDefinition(withLabel(`是否${label}`))).toEqual({
				ok: false,
				problems: [`sections.0.items.0.label: ${BAD}`]
			});
		const parsed = parseDefinition(withLabel(' Cafe\\u0301 '));
		expect(parsed.ok && parsed.definition.sections[0].items[0].label).toBe('Caf\u00e9');
	});
});
