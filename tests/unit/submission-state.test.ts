// What each state of a submission allows: the one set of rules the services and pages share.
import { describe, expect, it } from 'vitest';
import {
	canReview,
	canSubmit,
	isEditable,
	isLocked,
	isSent,
	reviewSteps,
	submissionStatuses,
	type ReviewStep
} from '../../src/lib/domain/submission-state';

const notStarted = [null, undefined] as const;

describe('a submission’s state', () => {
	it('can be edited before anything is saved, as a draft and once returned', () => {
		for (const s of notStarted) expect(isEditable(s)).toBe(true);
		expect(isEditable('draft')).toBe(true);
		expect(isEditable('returned')).toBe(true);
		expect(isEditable('submitted')).toBe(false);
		expect(isEditable('accepted')).toBe(false);
	});

	it('is sent once submitted or accepted, and then not editable; every state is one or the other', () => {
		expect(isSent('submitted')).toBe(true);
		expect(isSent('accepted')).toBe(true);
		for (const s of [...notStarted, 'draft', 'returned'] as const) expect(isSent(s)).toBe(false);
		for (const s of [...notStarted, ...submissionStatuses]) expect(isSent(s)).toBe(!isEditable(s));
	});

	it('can be submitted only when something was saved and it can still change', () => {
		expect(canSubmit('draft')).toBe(true);
		expect(canSubmit('returned')).toBe(true);
		for (const s of [...notStarted, 'submitted', 'accepted'] as const) expect(canSubmit(s)).toBe(false);
	});

	it('shows locked once sent, or whenever the round is not open', () => {
		expect(isLocked('draft', true)).toBe(false);
		expect(isLocked(null, true)).toBe(false);
		expect(isLocked('returned', true)).toBe(false);
		expect(isLocked('submitted', true)).toBe(true);
		expect(isLocked('accepted', true)).toBe(true);
		for (const s of [...notStarted, ...submissionStatuses]) expect(isLocked(s, false)).toBe(true);
	});
});

describe('reviewing', () => {
	const allowed: Record<ReviewStep, string[]> = {
		accept: ['submitted'],
		return: ['submitted'],
		reopen: ['accepted']
	};

	for (const step of Object.keys(allowed) as ReviewStep[])
		it(`allows ${step} only from ${allowed[step].join(', ')}`, () => {
			for (const s of [...notStarted, ...submissionStatuses])
				expect(canReview(step, s), `${step} from ${s}`).toBe(allowed[step].includes(s as string));
		});

	it('accepts, returns and reopens to the states the staff member and the trends see', () => {
		expect(reviewSteps.accept.to).toBe('accepted');
		expect(reviewSteps.return.to).toBe('returned');
		// Reopened, it goes back to the staff member like a return, editable again.
		expect(reviewSteps.reopen.to).toBe('returned');
		expect(isEditable(reviewSteps.reopen.to)).toBe(true);
		expect(isSent(reviewSteps.accept.to)).toBe(true);
	});
});
