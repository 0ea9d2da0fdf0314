// The states a point's submission moves through, and what each one allows. Pure: the services
// guard their writes with it and the pages decide what to offer with it, so the two cannot differ.
//
//   (none) → draft → submitted → accepted
//                      ↓  ↑         ↓
//                    returned ←─────┘ (reopened)

export const submissionStatuses = ['draft', 'submitted', 'returned', 'accepted'] as const;
export type SubmissionStatus = (typeof submissionStatuses)[number];

/** A submission's state; null or undefined when the point has not saved anything yet. */
type State = SubmissionStatus | null | undefined;

/** Sent to the reviewer: submitted, or accepted. A repeated submit of it is answered as done. */
export const isSent = (status: State): boolean => status === 'submitted' || status === 'accepted';

/** The staff member may still change the answers: nothing saved yet, a draft, or returned. */
export const isEditable = (status: State): boolean => !status || status === 'draft' || status === 'returned';

/** Only what was saved can be submitted: a draft, or a returned submission. */
export const canSubmit = (status: State): boolean => status === 'draft' || status === 'returned';

/** The checklist page shows the answers locked once sent, or when the round is not open. */
export const isLocked = (status: State, roundOpen: boolean): boolean => isSent(status) || !roundOpen;

/** What a reviewer does to a submission, from which state to which. */
export const reviewSteps = {
	accept: { from: 'submitted', to: 'accepted' },
	return: { from: 'submitted', to: 'returned' },
	reopen: { from: 'accepted', to: 'returned' }
} as const satisfies Record<string, { from: SubmissionStatus; to: SubmissionStatus }>;
export type ReviewStep = keyof typeof reviewSteps;

export const canReview = (step: ReviewStep, status: State): boolean => status === reviewSteps[step].from;
