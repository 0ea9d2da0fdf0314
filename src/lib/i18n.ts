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

export function formatTime(iso: string, locale: string): string {
	return new Intl.DateTimeFormat(locale === 'zh' ? 'zh-CN' : 'en-GB', {
		dateStyle: 'medium',
		timeStyle: 'short',
		timeZone: 'Asia/Shanghai'
	}).format(new Date(iso));
}
