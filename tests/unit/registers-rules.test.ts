// The register event rules on plain rows: what counts as a rebound, a reduction and a violation,
// and which dates a register accepts.
import { describe, expect, it } from 'vitest';
import {
	eventDateProblem,
	isActiveOn,
	isCertificateViolation,
	isOverdue,
	isReduction,
	isRebound,
	isSecondmentViolation,
	isUnapprovedActive,
	nextSignboardEvent,
	REBOUND,
	secondmentState,
	signboardDisplayState,
	signboardEventFlag,
	wasRehung,
	type SignboardFacts
} from '../../src/lib/domain/registers';

const hung = { kind: 'hung' as const, onDate: '2026-01-10' };
const removed = { kind: 'removed' as const, onDate: '2026-03-01' };
const rehung = { kind: 'rehung' as const, onDate: '2026-05-01' };

const board = (over: Partial<SignboardFacts>): SignboardFacts => ({
	state: 'hung',
	categoryStatus: 'kept',
	events: [hung],
	...over
});
const shown = (b: SignboardFacts) => signboardDisplayState({ ...b, rehung: wasRehung(b.events) });

describe('signboard rebounds and reductions', () => {
	it('does not flag a kept plate that is simply up', () => {
		expect(isRebound(board({}))).toBe(false);
		expect(shown(board({}))).toBe('hung');
	});

	it('flags a cancelled-category plate still up as a rebound', () => {
		expect(isRebound(board({ categoryStatus: 'cancelled' }))).toBe(true);
	});

	it('counts a cancelled-category plate taken down as a reduction, not a rebound', () => {
		const down = board({ categoryStatus: 'cancelled', state: 'removed', events: [hung, removed] });
		expect(isReduction(down)).toBe(true);
		expect(isRebound(down)).toBe(false);
		expect(shown(down)).toBe('removed');
	});

	it('does not call a kept plate taken down a reduction', () => {
		expect(isReduction(board({ state: 'removed', events: [hung, removed] }))).toBe(false);
	});

	it('does not call a kept-category plate hung again a rebound: it is simply up again', () => {
		const again = board({ events: [hung, removed, rehung] });
		expect(isRebound(again)).toBe(false);
		expect(shown(again)).toBe('rehung');
	});

	it('flags a cancelled-category plate hung again after removal as a rebound, shown as such', () => {
		const again = board({ categoryStatus: 'cancelled', events: [hung, removed, rehung] });
		expect(isRebound(again)).toBe(true);
		expect(shown(again)).toBe('rebound');
	});

	it('keeps the rule as data a query can filter by: up, and of a cancelled category', () => {
		expect(REBOUND).toEqual({ state: 'hung', categoryStatus: 'cancelled' });
		for (const state of ['hung', 'removed'] as const)
			for (const categoryStatus of ['kept', 'cancelled'] as const)
				expect(isRebound({ state, categoryStatus })).toBe(
					state === REBOUND.state && categoryStatus === REBOUND.categoryStatus
				);
	});

	it('stops flagging a rehung plate once it is taken down again', () => {
		const downAgain = board({
			state: 'removed',
			categoryStatus: 'cancelled',
			events: [hung, removed, rehung, { ...removed, onDate: '2026-06-01' }]
		});
		expect(isRebound(downAgain)).toBe(false);
	});

	it.each([
		['rehung', 'kept', 'hung', null],
		['rehung', 'kept', 'removed', null],
		['rehung', 'cancelled', 'hung', 'rebound'],
		['rehung', 'cancelled', 'removed', 'rebound'],
		['removed', 'cancelled', 'removed', 'reduction'],
		['removed', 'kept', 'removed', null],
		['hung', 'cancelled', 'hung', 'rebound'],
		['hung', 'cancelled', 'removed', null],
		['hung', 'kept', 'hung', null]
	] as const)('reads a %s event of a %s-category plate now %s as %s', (kind, status, state, flag) => {
		expect(signboardEventFlag(kind, status, state)).toBe(flag);
	});

	it('allows removal of a hung plate and rehanging of a removed one', () => {
		expect(nextSignboardEvent('hung')).toBe('removed');
		expect(nextSignboardEvent('removed')).toBe('rehung');
	});
});

describe('certificate violations', () => {
	it.each([
		['cancelled', 3, true],
		['cancelled', 0, false],
		['retained', 12, false]
	] as const)('a %s item issued %i times is a violation: %s', (itemStatus, issued, expected) => {
		expect(isCertificateViolation({ itemStatus, issued })).toBe(expected);
	});
});

describe('secondments', () => {
	const today = '2026-06-15';
	const base = { startDate: '2026-03-01', expectedEnd: '2026-09-30', returnDate: null, approved: true };

	it('is active from its start day until the day before the return', () => {
		expect(isActiveOn(base, '2026-03-01')).toBe(true);
		expect(isActiveOn(base, '2026-02-28')).toBe(false);
		const back = { ...base, returnDate: '2026-05-01' };
		expect(isActiveOn(back, '2026-04-30')).toBe(true);
		expect(isActiveOn(back, '2026-05-01')).toBe(false);
	});

	it('is no violation when approved and within its expected end', () => {
		expect(isSecondmentViolation(base, today)).toBe(false);
		expect(secondmentState(base, today)).toBe('active');
	});

	it('flags an active secondment without approval', () => {
		const s = { ...base, approved: false };
		expect(isUnapprovedActive(s, today)).toBe(true);
		expect(isSecondmentViolation(s, today)).toBe(true);
	});

	it('flags an active secondment past its expected end', () => {
		const s = { ...base, expectedEnd: '2026-06-14' };
		expect(isOverdue(s, today)).toBe(true);
		expect(isSecondmentViolation(s, today)).toBe(true);
	});

	it('is not overdue on its expected last day, nor without an expected end', () => {
		expect(isOverdue({ ...base, expectedEnd: today }, today)).toBe(false);
		expect(isOverdue({ ...base, expectedEnd: null }, today)).toBe(false);
	});

	it('no longer flags an unapproved secondment once the person is back', () => {
		const s = { ...base, approved: false, expectedEnd: '2026-04-01', returnDate: '2026-06-01' };
		expect(isSecondmentViolation(s, today)).toBe(false);
		expect(secondmentState(s, today)).toBe('returned');
	});
});

describe('register dates', () => {
	const today = '2026-06-15';
	it.each([
		['2026-06-15', null, null],
		['2026-02-30', null, 'date_invalid'],
		['15/06/2026', null, 'date_invalid'],
		['2026-06-16', null, 'date_future'],
		['2026-03-01', '2026-03-02', 'date_before_previous'],
		['2026-03-02', '2026-03-02', null]
	] as const)('%s after %s: %s', (date, previous, expected) => {
		expect(eventDateProblem(date, today, previous)).toBe(expected);
	});
});
