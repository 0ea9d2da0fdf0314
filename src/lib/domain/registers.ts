// The rules that turn a point's registers (台账) into events the reform office watches: a
// reduction that holds, a rebound (反弹) and a violation. Pure, so pages, reports and tests share them.
import { isIsoDate } from './periods';

export type SignboardEventKind = 'hung' | 'removed' | 'rehung';
export type CategoryStatus = 'cancelled' | 'kept';
export type CertificateItemStatus = 'cancelled' | 'retained';

export interface SignboardFacts {
	state: 'hung' | 'removed';
	categoryStatus: CategoryStatus;
	/** Every event of the plate, in any order. */
	events: { kind: SignboardEventKind; onDate: string }[];
}

/** What a badge shows: hung, removed, or hung again after a removal. */
export type SignboardDisplayState = 'hung' | 'removed' | 'rebound';

export function signboardDisplayState(
	board: Pick<SignboardFacts, 'state' | 'events'>
): SignboardDisplayState {
	if (board.state === 'removed') return 'removed';
	return board.events.some((e) => e.kind === 'rehung') ? 'rebound' : 'hung';
}

/**
 * A rebound: a plate hung again after its removal, or a plate of a cancelled category still on
 * the wall. Either way the reduction did not hold.
 */
export function isRebound(board: SignboardFacts): boolean {
	if (board.state !== 'hung') return false;
	return board.categoryStatus === 'cancelled' || board.events.some((e) => e.kind === 'rehung');
}

/** A cancelled-category plate that has come down: the reduction the campaign asked for. */
export function isReduction(board: Pick<SignboardFacts, 'state' | 'categoryStatus'>): boolean {
	return board.state === 'removed' && board.categoryStatus === 'cancelled';
}

/**
 * How a plate's event reads on the timeline: hanging it again is a rebound, taking down a
 * cancelled-category plate a reduction, and first hanging a cancelled-category plate counts
 * against the point only while the plate stays up.
 */
export function signboardEventFlag(
	kind: SignboardEventKind,
	categoryStatus: CategoryStatus,
	state: 'hung' | 'removed'
): 'rebound' | 'reduction' | null {
	if (kind === 'rehung') return 'rebound';
	if (categoryStatus !== 'cancelled') return null;
	if (kind === 'removed') return 'reduction';
	return state === 'hung' ? 'rebound' : null;
}

/** Issuing a certificate the catalogue cancelled. */
export function isCertificateViolation(row: { itemStatus: CertificateItemStatus; issued: number }): boolean {
	return row.itemStatus === 'cancelled' && row.issued > 0;
}

export interface SecondmentFacts {
	startDate: string;
	expectedEnd: string | null;
	returnDate: string | null;
	approved: boolean;
}

/** Seconded on `date`: started on or before it and not yet back (the return day is back). */
export function isActiveOn(s: SecondmentFacts, date: string): boolean {
	return s.startDate <= date && (s.returnDate == null || s.returnDate > date);
}

/** Still away after the day it was meant to end. */
export function isOverdue(s: SecondmentFacts, today: string): boolean {
	return isActiveOn(s, today) && s.expectedEnd != null && s.expectedEnd < today;
}

export function isUnapprovedActive(s: SecondmentFacts, today: string): boolean {
	return isActiveOn(s, today) && !s.approved;
}

/** A secondment without the county's approval, or one kept past its agreed end. */
export function isSecondmentViolation(s: SecondmentFacts, today: string): boolean {
	return isUnapprovedActive(s, today) || isOverdue(s, today);
}

export type SecondmentState = 'active' | 'returned' | 'upcoming';

export function secondmentState(s: SecondmentFacts, today: string): SecondmentState {
	if (s.returnDate != null && s.returnDate <= today) return 'returned';
	return s.startDate > today ? 'upcoming' : 'active';
}

export type DateProblem = 'date_invalid' | 'date_future' | 'date_before_previous';

/**
 * A register date: a real YYYY-MM-DD, not after today (China time) and, for a plate's event,
 * not before the plate's previous event.
 */
export function eventDateProblem(date: string, today: string, notBefore?: string | null): DateProblem | null {
	if (!isIsoDate(date)) return 'date_invalid';
	if (date > today) return 'date_future';
	if (notBefore && date < notBefore) return 'date_before_previous';
	return null;
}

/** The kind of the next event a plate may take in its state. */
export function nextSignboardEvent(state: 'hung' | 'removed'): SignboardEventKind {
	return state === 'hung' ? 'removed' : 'rehung';
}
