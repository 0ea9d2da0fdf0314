// Reporting periods and dates. Dates are YYYY-MM-DD in China time (UTC+8, no daylight saving).
export type PeriodKind = 'month' | 'quarter' | 'custom';

/** China time is UTC+8 all year. */
export const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

export function chinaDate(at: Date = new Date()): string {
	return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

// Period keys: `2026-03` a month, `2026-Q1` a quarter, anything else a custom round's key.
const QUARTER_KEY = /^(\d{4})-Q([1-4])$/;
const MONTH_KEY = /^(\d{4})-(\d{2})$/;

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** `2026-03` (month) or `2026-Q1` (quarter) to its first and last day. */
export function periodRange(
	kind: Exclude<PeriodKind, 'custom'>,
	value: string
): { start: string; end: string } | null {
	if (kind === 'month') {
		const match = MONTH_KEY.exec(value);
		if (!match) return null;
		const [y, m] = [Number(match[1]), Number(match[2])];
		if (m < 1 || m > 12) return null;
		return { start: `${y}-${pad(m)}-01`, end: `${y}-${pad(m)}-${pad(lastDay(y, m))}` };
	}
	const match = QUARTER_KEY.exec(value);
	if (!match) return null;
	const [y, q] = [Number(match[1]), Number(match[2])];
	const first = (q - 1) * 3 + 1;
	return { start: `${y}-${pad(first)}-01`, end: `${y}-${pad(first + 2)}-${pad(lastDay(y, first + 2))}` };
}

export function isIsoDate(value: string): boolean {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
	const d = new Date(`${value}T00:00:00Z`);
	return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** Late when submitted on a China-time day after the due date. */
export function isLate(dueOn: string, submittedAt: Date): boolean {
	return chinaDate(submittedAt) > dueOn;
}

// ---- Period keys: `2026-03` a month, `2026-Q1` a quarter, anything else a custom round's key ----

export type ParsedPeriod =
	| { kind: 'quarter'; year: number; quarter: number }
	| { kind: 'month'; year: number; month: number }
	| { kind: 'custom'; key: string };

export function parsePeriodKey(key: string): ParsedPeriod {
	let m = QUARTER_KEY.exec(key);
	if (m) return { kind: 'quarter', year: Number(m[1]), quarter: Number(m[2]) };
	m = MONTH_KEY.exec(key);
	if (m) return { kind: 'month', year: Number(m[1]), month: Number(m[2]) };
	return { kind: 'custom', key };
}

export const isQuarterKey = (key: string): boolean => QUARTER_KEY.test(key);

/** The quarter a YYYY-MM-DD date falls in, as `2026-Q1`. */
export const quarterOf = (date: string): string =>
	`${date.slice(0, 4)}-Q${Math.ceil(Number(date.slice(5, 7)) / 3)}`;

/** `2026-Q4` moved by `by` quarters. */
export function shiftQuarter(quarter: string, by: number): string {
	const n = Number(quarter.slice(0, 4)) * 4 + Number(quarter.slice(6)) - 1 + by;
	return `${Math.floor(n / 4)}-Q${(n % 4) + 1}`;
}
