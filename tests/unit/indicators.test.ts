import { describe, expect, it } from 'vitest';
import {
	DEFAULT_TREND_RULE,
	evaluateSeries,
	indicatorDef,
	isRebounding,
	periodKeyOf,
	pointIndicatorRows,
	registerValues,
	type IndicatorDef,
	type PeriodInput,
	type RegisterData,
	type SeriesInput
} from '../../src/lib/domain/indicators';

const meetings = indicatorDef('meetings_attended')!;
const rehung = indicatorDef('signboards_rehung')!;
const compliance = indicatorDef('compliance_rate')!;
const rule = DEFAULT_TREND_RULE;

const series = (values: (number | null)[], before = 0): SeriesInput[] =>
	values.map((value, i) => ({ period: `P${i + 1}`, afterBaseline: i >= before, value }));
const statuses = (def: IndicatorDef, values: (number | null)[], before = 0, r = rule) =>
	evaluateSeries(def, series(values, before), r).map((e) => e.status);

describe('the holding rule', () => {
	it('treats 20% worse than the best as holding and anything more as rebounding', () => {
		expect(isRebounding(meetings, 12, 10, rule)).toBe(false);
		expect(isRebounding(meetings, 12.1, 10, rule)).toBe(true);
		expect(statuses(meetings, [20, 10, 12, 13])).toEqual(['holding', 'holding', 'holding', 'rebounding']);
	});

	it('counts any rise in a cancelled thing as a rebound', () => {
		expect(statuses(rehung, [0, 0, 1])).toEqual(['holding', 'holding', 'rebounding']);
		expect(isRebounding(rehung, 11, 10, rule)).toBe(true);
	});

	it('honours the thresholds an admin sets', () => {
		const lenient = { ...rule, cancelledThreshold: 1, relativeThresholdPct: 50 };
		expect(statuses(rehung, [0, 1, 2], 0, lenient)).toEqual(['holding', 'holding', 'rebounding']);
		expect(statuses(meetings, [10, 15, 16], 0, lenient)).toEqual(['holding', 'holding', 'rebounding']);
	});

	it('measures from the best since the baseline, not from the baseline itself', () => {
		const result = evaluateSeries(meetings, series([20, 8, 9, 11]), rule);
		expect(result.map((r) => r.status)).toEqual(['holding', 'holding', 'holding', 'rebounding']);
		expect(result[3]).toMatchObject({ value: 11, best: 8, bestPeriod: 'P2' });
	});

	it('gives periods before the baseline no status and does not let them set the best', () => {
		const result = evaluateSeries(meetings, series([2, 20, 10, 11], 1), rule);
		expect(result.map((r) => r.status)).toEqual([null, 'holding', 'holding', 'holding']);
		expect(result[3].best).toBe(10);
	});

	it('skips a missed period: no status, and the best carries over it', () => {
		const result = evaluateSeries(meetings, series([10, null, 13]), rule);
		expect(result.map((r) => r.status)).toEqual(['holding', null, 'rebounding']);
		expect(result[2].bestPeriod).toBe('P1');
	});

	it('starts a point that joined later (or missed the baseline) from its first value', () => {
		const result = evaluateSeries(meetings, series([null, null, 6, 7, 8]), rule);
		expect(result.map((r) => r.status)).toEqual([null, null, 'holding', 'holding', 'rebounding']);
	});

	it('counts any worsening from a best of zero, which has no percentage', () => {
		expect(statuses(meetings, [3, 0, 1])).toEqual(['holding', 'holding', 'rebounding']);
		expect(statuses(meetings, [0, 0, 0])).toEqual(['holding', 'holding', 'holding']);
	});

	it('reads "worse" in the indicator\'s own direction', () => {
		// Compliance: higher is better; a fall of more than 20% of the best is a rebound.
		expect(statuses(compliance, [50, 90, 75, 70])).toEqual(['holding', 'holding', 'holding', 'rebounding']);
		expect(statuses(compliance, [90, 100])).toEqual(['holding', 'holding']);
	});
});

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
		expect(overall.map((r) => r.status)).toEqual(['holding', 'holding', 'rebounding']);
		// Q3: a cancelled plate hung again and still up, one fewer plate removed, one more exterior
		// plate than the best (1 → 2), a cancelled certificate issued, and a secondment (unapproved)
		// where the best was none.
		expect(overall[2].value).toBe(7);
	});

	it('gives no status before the baseline', () => {
		const rows = pointIndicatorRows(periods, registers, rule, '2025-04-01');
		expect(rows.filter((r) => r.period === '2025-Q1').every((r) => r.status === null)).toBe(true);
		expect(rows.find((r) => r.period === '2025-Q2' && r.indicator === 'overall')?.status).toBe('holding');
	});
});
