// Reporting periods and due dates, all in China time (UTC+8) whatever the server's clock says.
import { describe, expect, it } from 'vitest';
import { chinaDate, isIsoDate, isLate, periodRange } from '../../src/lib/domain/periods';

describe('a month or quarter as a date range', () => {
	it.each([
		['2026-01', '2026-01-01', '2026-01-31'],
		['2026-02', '2026-02-01', '2026-02-28'],
		['2024-02', '2024-02-01', '2024-02-29'],
		['2026-04', '2026-04-01', '2026-04-30'],
		['2026-12', '2026-12-01', '2026-12-31']
	])('month %s runs from %s to %s', (value, start, end) => {
		expect(periodRange('month', value)).toEqual({ start, end });
	});

	it.each([
		['2026-Q1', '2026-01-01', '2026-03-31'],
		['2026-Q2', '2026-04-01', '2026-06-30'],
		['2026-Q3', '2026-07-01', '2026-09-30'],
		['2026-Q4', '2026-10-01', '2026-12-31']
	])('quarter %s runs from %s to %s', (value, start, end) => {
		expect(periodRange('quarter', value)).toEqual({ start, end });
	});

	it.each(['2026-13', '2026-00', '2026-3', '26-03', '2026-Q1', '', '2026-03-01'])(
		'refuses %j as a month',
		(value) => {
			expect(periodRange('month', value)).toBeNull();
		}
	);

	it.each(['2026-Q5', '2026-Q0', '2026-q1', '2026-03', 'Q1-2026', ''])('refuses %j as a quarter', (value) => {
		expect(periodRange('quarter', value)).toBeNull();
	});
});

describe('dates', () => {
	it('accepts only real calendar days written YYYY-MM-DD', () => {
		expect(isIsoDate('2026-03-31')).toBe(true);
		expect(isIsoDate('2024-02-29')).toBe(true);
		expect(isIsoDate('2026-02-29')).toBe(false);
		expect(isIsoDate('2026-04-31')).toBe(false);
		expect(isIsoDate('2026-3-31')).toBe(false);
		expect(isIsoDate('31/03/2026')).toBe(false);
	});

	it('gives the China-time day, which starts at 16:00 UTC the day before', () => {
		expect(chinaDate(new Date('2026-03-31T15:59:59Z'))).toBe('2026-03-31');
		expect(chinaDate(new Date('2026-03-31T16:00:00Z'))).toBe('2026-04-01');
		expect(chinaDate(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
	});
});

describe('a late submission', () => {
	const due = '2026-03-31';

	it('is on time until the end of the due day in China', () => {
		expect(isLate(due, new Date('2026-03-30T16:00:00Z'))).toBe(false);
		expect(isLate(due, new Date('2026-03-31T15:59:00Z'))).toBe(false);
		expect(isLate(due, new Date('2026-03-31T15:59:59.999Z'))).toBe(false);
	});

	it('is late from midnight China time after the due day', () => {
		expect(isLate(due, new Date('2026-03-31T16:00:00Z'))).toBe(true);
		expect(isLate(due, new Date('2026-03-31T16:01:00Z'))).toBe(true);
		expect(isLate(due, new Date('2026-05-02T03:00:00Z'))).toBe(true);
	});

	it('is on time when submitted before the round even opened', () => {
		expect(isLate(due, new Date('2026-01-01T00:00:00Z'))).toBe(false);
	});
});
