// Numbers and periods as the dashboard prints them. No messages here, so the chart code and the
// tests can use them on their own.
import type { Direction } from '$lib/domain/indicators';

// Building an Intl formatter costs far more than using one; a page formats thousands of numbers.
const numberFormats = {
	zh: new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 1 }),
	en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 })
};

/** To one decimal, the precision every figure is kept and shown at. */
export const round1 = (n: number): number => Math.round(n * 10) / 10;

/** One decimal at most: means over points are rarely whole. */
export function formatNumber(value: number, locale: string): string {
	return (locale === 'zh' ? numberFormats.zh : numberFormats.en).format(value);
}

export const MONTHS_SHORT_EN = [
	'Jan',
	'Feb',
	'Mar',
	'Apr',
	'May',
	'Jun',
	'Jul',
	'Aug',
	'Sep',
	'Oct',
	'Nov',
	'Dec'
];

/** A change with its sign written out: +0.3, −2, ±0 (a true minus, not a hyphen). */
export function formatSigned(value: number, locale: string): string {
	const rounded = round1(value);
	if (rounded === 0) return `±${formatNumber(0, locale)}`;
	return `${rounded > 0 ? '+' : '−'}${formatNumber(Math.abs(rounded), locale)}`;
}

/** Whether a change is for the better, in the indicator's own direction. */
export function changeMeaning(
	direction: Direction,
	delta: number | null
): 'better' | 'worse' | 'same' | null {
	if (delta === null) return null;
	const rounded = round1(delta);
	if (rounded === 0) return 'same';
	return (direction === 'lower') === rounded < 0 ? 'better' : 'worse';
}

export const arrowOf = (delta: number) => (Math.round(delta * 10) === 0 ? '→' : delta > 0 ? '↑' : '↓');

/** The relative change from `from` to `to`, in whole percent; null when `from` is zero. */
export function percentChange(from: number, to: number): number | null {
	if (from === 0) return null;
	return Math.round(((to - from) / Math.abs(from)) * 100);
}

/** 12 KB, 1.4 MB: units are the same in both languages. */
export function formatFileSize(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The punctuation around text: full-width in Chinese, ASCII with its spaces in English. */
export function punctuation(locale: string) {
	return locale === 'zh'
		? { colon: '：', comma: '，', semi: '；', list: '、', aside: (s: string) => `（${s}）` }
		: { colon: ': ', comma: ', ', semi: '; ', list: ', ', aside: (s: string) => ` (${s})` };
}

/** A file name without the characters Windows and phones refuse. */
export function safeFileName(name: string): string {
	return name.replace(/[\\/:*?"<>|\s]+/g, '_').slice(0, 120);
}

/** The same query string on another dashboard (a child's link keeps the chosen view). */
export function withQuery(href: string, search: string): string {
	if (!search || search === '?' || href.includes('?')) return href;
	return href + (search.startsWith('?') ? search : `?${search}`);
}
