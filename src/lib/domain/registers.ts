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

/**
 * The one rebound rule of the registers, as data so a query can filter by it: a plate is a
 * rebound (反弹) only while it is up and of a category the reform cancelled (取消), whether it
 * was never taken down or was hung again after its removal. Hanging a kept (规范保留) plate
 * again is no rebound. The trends count the same way (see `registerValues` in indicators.ts).
 */
export const REBOUND = { state: 'hung', categoryStatus: 'cancelled' } as const;

/** The part of a plate the rebound rule reads. */
export type SignboardStanding = Pick<SignboardFacts, 'state' | 'categoryStatus'>;

/** Whether the plate is a rebound: the card, the page's count, the timeline and /registers ask this. */
export function isRebound(board: SignboardStanding): boolean {
	return board.state === REBOUND.state && board.categoryStatus === REBOUND.categoryStatus;
}

/** Whether the plate was ever hung again after a removal. */
export function wasRehung(events: Pick<SignboardFacts['events'][number], 'kind'>[]): boolean {
	return events.some((e) => e.kind === 'rehung');
}

/**
 * What a badge shows: hung, removed, hung again after a removal (重新悬挂), or a rebound: a plate
 * hung again that the rebound rule calls one.
 */
export type SignboardDisplayState = 'hung' | 'removed' | 'rehung' | 'rebound';

export function signboardDisplayState(board: SignboardStanding & { rehung: boolean }): SignboardDisplayState {
	if (board.state === 'removed') return 'removed';
	if (!board.rehung) return 'hung';
	return isRebound(board) ? 'rebound' : 'rehung';
}

/** A cancelled-category plate that has come down: the reduction the campaign asked for. */
export function isReduction(board: Pick<SignboardFacts, 'state' | 'categoryStatus'>): boolean {
	return board.state === 'removed' && board.categoryStatus === 'cancelled';
}

/**
 * How a plate's event reads on the timeline, by the rebound rule: hanging a cancelled-category
 * plate again is a rebound (it was up again when it happened), first hanging one counts against
 * the point only while the plate stays up, and taking one down is a reduction. A kept plate's
 * events carry no flag, hung again or not.
 */
export function signboardEventFlag(
	kind: SignboardEventKind,
	categoryStatus: CategoryStatus,
	state: 'hung' | 'removed'
): 'rebound' | 'reduction' | null {
	if (kind === 'removed') return isReduction({ state: 'removed', categoryStatus }) ? 'reduction' : null;
	const judged = kind === 'rehung' ? 'hung' : state;
	return isRebound({ state: judged, categoryStatus }) ? 'rebound' : null;
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

/** A secondment as stored: what the register keeps about one person borrowed away. */
export interface SecondmentRecord {
	id: number;
	personName: string;
	post: string | null;
	borrowingUnit: string;
	startDate: string;
	expectedEnd: string | null;
	returnDate: string | null;
	approved: boolean;
	approvalRef: string | null;
}

/** A secondment with what the rules say of it today: the card, the lists and the timeline read it. */
export interface SecondmentView extends SecondmentRecord {
	state: SecondmentState;
	unapproved: boolean;
	overdue: boolean;
	violation: boolean;
}

export function secondmentView(s: SecondmentRecord, today: string): SecondmentView {
	return {
		...s,
		state: secondmentState(s, today),
		unapproved: isUnapprovedActive(s, today),
		overdue: isOverdue(s, today),
		violation: isSecondmentViolation(s, today)
	};
}
