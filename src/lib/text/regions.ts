import { m } from '$lib/paraglide/messages.js';

const levelNames = [
	() => '',
	m.level_province,
	m.level_city,
	m.level_county,
	m.level_township,
	m.level_village
];

export function levelName(level: number): string {
	return (levelNames[level] ?? levelNames[0])();
}

const timeFormats = Object.fromEntries(
	(['zh-CN', 'en-GB'] as const).map((tag) => [
		tag,
		new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai' })
	])
);

export function formatTime(iso: string, locale: string): string {
	return timeFormats[locale === 'zh' ? 'zh-CN' : 'en-GB'].format(new Date(iso));
}
