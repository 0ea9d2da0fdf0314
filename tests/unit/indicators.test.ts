import { describe, expect, it } from 'vitest';
import {
	DEFAULT_TREND_RULE,
	periodKeyOf,
	pointIndicatorRows,
	registerValues,
	type PeriodInput,
	type RegisterData
} from '../../src/lib/domain/indicators';

const rule = DEFAULT_TREND_RULE;

describe('period keys', () => {
	it('names months, quarters and custom periods', () => {
		expect(periodKeyOf({ kind: 'month', start: '2026-03-01', end: '2026-03-31' })).toBe('2026-03');
		expect(periodKeyOf({ kind: 'quarter', start: '2026-07-01', end: '2026-09-30' })).toBe('2026-Q3');
		expect(periodKeyOf({ kind: 'custom', start: '2026-01-05', end: '2026-02-10' })).toBe(
			'2026-01-05~2026-02-10'
		);
	});
});

const registers: RegisterData = {
	boardEvents: [
		{ signboardId: 1, placement: 'exterior', categoryStatus: 'kept', kind: 'hung', onDate: '2025-01-10' },
		{
			signboardId: 2,
			placement: 'exterior',
			categoryStatus: 'cancelled',
			kind: 'hung',
			onDate: '2025-01-10'
		},
		{ signboardId: 3, placement: 'wall', categoryStatus: 'cancelled', kind: 'hung', onDate: '2025-01-10' },
		{
			signboardId: 2,
			placement: 'exterior',
			categoryStatus: 'cancelled',
			kind: 'removed',
			onDate: '2025-05-02'
		},
		{ signboardId: 3, placement: 'wall', categoryStatus: 'cancelled', kind: 'removed', onDate: '2025-05-03' },
		{
			signboardId: 2,
			placement: 'exterior',
			categoryStatus: 'cancelled',
			kind: 'rehung',
			onDate: '2025-08-20'
		}
	],
	certificateCounts: [
		{ periodStart: '2025-07-01', periodEnd: '2025-07-31', issued: 2, cancelled: true },
		{ periodStart: '2025-08-01', periodEnd: '2025-08-31', issued: 5, cancelled: false }
	],
	secondments: [
		{ startDate: '2025-02-01', returnDate: '2025-06-15', approved: true },
		{ startDate: '2025-07-01', returnDate: null, approved: false }
	]
};

describe('register figures as of a period', () => {
	it('reads each period as it stood on its last day', () => {
		expect(registerValues(registers, { start: '2025-01-01', end: '2025-03-31' })).toEqual({
			signboards_exterior: 2,
			signboards_interior: 1,
			signboards_cancelled_hung: 2,
			signboards_removed: 0,
			signboards_rehung: 0,
			certificates_cancelled_issued: 0,
			secondments_active: 1,
			secondments_unapproved: 0
		});
		expect(registerValues(registers, { start: '2025-04-01', end: '2025-06-30' })).toMatchObject({
			signboards_exterior: 1,
			signboards_cancelled_hung: 0,
			signboards_removed: 2,
			secondments_active: 0
		});
		expect(registerValues(registers, { start: '2025-07-01', end: '2025-09-30' })).toMatchObject({
			signboards_exterior: 2,
			signboards_cancelled_hung: 1,
			signboards_removed: 1,
			signboards_rehung: 1,
			certificates_cancelled_issued: 2,
			secondments_active: 1,
			secondments_unapproved: 1
		});
	});
});

describe("a point's rows", () => {
	const quarter = (key: string, start: string, end: string, meetings: number | null): PeriodInput => ({
		key,
		kind: 'quarter',
		start,
		end,
		submission:
			meetings === null
				? null
				: { id: 100 + Number(key.slice(-1)), answers: { meetings_attended: meetings }, definition: null }
	});
	const periods = [
		quarter('2025-Q1', '2025-01-01', '2025-03-31', 10),
		quarter('2025-Q2', '2025-04-01', '2025-06-30', 4),
		quarter('2025-Q3', '2025-07-01', '2025-09-30', null)
	];

	it('has register values for every period and answers only where a submission was accepted', () => {
		const rows = pointIndicatorRows(periods, registers, rule, null);
		const meetingsRows = rows.filter((r) => r.indicator === 'meetings_attended');
		expect(meetingsRows.map((r) => [r.period, r.value, r.submissionId])).toEqual([
			['2025-Q1', 10, 101],
			['2025-Q2', 4, 102]
		]);
		expect(rows.filter((r) => r.indicator === 'signboards_rehung').map((r) => r.value)).toEqual([0, 0, 1]);
	});

	it('marks the point rebounding overall when any indicator is, counting how many', () => {
		const rows = pointIndicatorRows(periods, registers, rule, null);
		const overall = rows.filter((r) => r.indicator === 'overall');
		// Q1 is where the series starts; Q2 holds.
		expect(overall.map((r) => r.status)).toEqual([null, 'holding', 'rebounding']);
		// Q3: cancelled things back, each a rebound at once: a cancelled plate hung again and still
		// up, a cancelled certificate issued, an unapproved secondment. One more exterior plate (1 → 2)
		// is within the noise of a count.
		expect(overall[2].value).toBe(4);
		expect(
			rows
				.filter((r) => r.period === '2025-Q3' && r.status === 'rebounding' && r.indicator !== 'overall')
				.map((r) => r.indicator)
		).toEqual([
			'signboards_cancelled_hung',
			'signboards_rehung',
			'certificates_cancelled_issued',
			'secondments_unapproved'
		]);
	});

	it('keeps the standing under every sensitivity on the overall row', () => {
		const rows = pointIndicatorRows(periods, registers, rule, null);
		const overall = rows.filter((r) => r.indicator === 'overall');
		expect(overall.map((r) => r.statuses)).toEqual(['---', 'hhh', 'rrr']);
	});

	it('gives no status before the baseline, and the baseline is where the series starts', () => {
		const rows = pointIndicatorRows(periods, registers, rule, '2025-04-01');
		expect(rows.filter((r) => r.period === '2025-Q1').every((r) => r.status === null)).toBe(true);
		expect(rows.find((r) => r.period === '2025-Q2' && r.indicator === 'overall')?.status).toBeNull();
		expect(rows.find((r) => r.period === '2025-Q3' && r.indicator === 'overall')?.status).toBe('rebounding');
	});
});
