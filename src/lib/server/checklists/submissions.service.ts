// The rules of a submission: one per point and round, saved only on the version it was read at,
// locked once submitted until a reviewer returns it, and every change audited. A refusal is a
// thrown Refusal; thrown inside the transaction, it leaves nothing written.
import {
	allItems,
	isOutOfLine,
	parseAnswers,
	sameAnswer,
	toFormValue,
	type AnswerValue,
	type Answers,
	type ChecklistDefinition,
	type ChecklistItem,
	type FieldProblem
} from '../../domain/checklist';
import { isLate } from '../../domain/periods';
import {
	canReview,
	canSubmit,
	isEditable,
	isSent,
	reviewSteps,
	type ReviewStep
} from '../../domain/submission-state';
import { cleanText, tidyText } from '../../forms/text-rule';
import type { Problem, RefusalCode } from '../../text/refusals';
import { writeAudit } from '../audit/audit.repository';
import { now, type Db } from '../db';
import type { RoundRow, SubmissionRow } from '../db/schema';
import { isRefusal, refuse, refuseNotFound, Refusal } from '../refusal';
import { pointChanged } from '../trends/indicators.service';
import { isRegisterItem, registerAnswers } from './register-figures';
import { findRound } from './rounds.repository';
import {
	findPreviousAccepted,
	findSubmission,
	findSubmissionById,
	insertAnswer,
	insertSubmission,
	isTarget,
	readAnswers,
	replaceAnswer,
	updateSubmission,
	type StoredAnswers
} from './submissions.repository';
import { findVersion } from './templates.repository';

export { findSubmission, findSubmissionById, isTarget } from './submissions.repository';

export const NOTE_MAX = 200;

/** A round with the items its template version asks: fixed once the round exists. */
export interface ChecklistFrame {
	round: RoundRow;
	definition: ChecklistDefinition;
	templateVersion: number;
}

export interface ChecklistState extends ChecklistFrame {
	submission: SubmissionRow | null;
	/** The draft's answers, and the last accepted ones for what the draft has not saved yet. */
	answers: Answers;
	/** Only what the draft has saved. */
	saved: Answers;
	notes: Record<string, string>;
	/** The point's last accepted answers from an earlier round, for prefill and the out-of-line check. */
	previous: Answers;
	previousRound: { id: number; name: string } | null;
	/** Items answered by the point's registers, not typed. */
	registerKeys: string[];
}

export async function findChecklistFrame(db: Db, roundId: number): Promise<ChecklistFrame | null> {
	const round = await findRound(db, roundId);
	const version = round && (await findVersion(db, round.template_version_id));
	if (!round || !version) return null;
	return { round, definition: version.definition, templateVersion: version.version };
}

export async function previousAccepted(db: Db, pointId: number, beforeRound: RoundRow) {
	const prev = await findPreviousAccepted(db, pointId, beforeRound);
	if (!prev) return { answers: {} as Answers, round: null };
	return { answers: (await readAnswers(db, prev.id)).answers, round: { id: prev.roundId, name: prev.name } };
}

/** Everything the checklist page shows; `frame` when the caller has already read the round. */
export async function loadChecklist(
	db: Db,
	roundId: number,
	pointId: number,
	frame?: ChecklistFrame
): Promise<ChecklistState | null> {
	const found = frame ?? (await findChecklistFrame(db, roundId));
	if (!found) return null;
	const { round, definition } = found;
	const submission = (await findSubmission(db, roundId, pointId)) ?? null;
	const previous = await previousAccepted(db, pointId, round);
	const own = submission ? await readAnswers(db, submission.id) : null;
	const known = new Set(allItems(definition).map((i) => i.key));
	const prefill = Object.fromEntries(Object.entries(previous.answers).filter(([k]) => known.has(k)));
	// While it can still change, a register item shows what the register says today.
	const fromRegister = isEditable(submission?.status)
		? await registerAnswers(db, pointId, round, [...known])
		: {};
	return {
		...found,
		submission,
		// Sections not yet saved in the draft still show last round's answers.
		answers: { ...prefill, ...own?.answers, ...fromRegister },
		saved: own?.answers ?? {},
		notes: own ? own.notes : {},
		previous: previous.answers,
		previousRound: previous.round,
		registerKeys: [...known].filter(isRegisterItem)
	};
}

// ---- answer problems as refusals --------------------------------------------------------------

const answerCodes = {
	required: 'answer_required',
	not_whole_number: 'answer_not_whole_number',
	not_number: 'answer_not_number',
	below_min: 'answer_below_min',
	above_max: 'answer_above_max',
	not_an_option: 'answer_not_an_option',
	too_few_choices: 'answer_too_few_choices',
	too_many_choices: 'answer_too_many_choices',
	not_date: 'answer_not_date',
	too_long: 'answer_too_long',
	bad_characters: 'answer_bad_characters',
	not_yes_no: 'answer_not_yes_no',
	needs_confirmation: 'answer_needs_confirmation',
	note_too_long: 'answer_note_too_long'
} as const satisfies Record<FieldProblem['code'], RefusalCode>;

function asProblem(p: FieldProblem): Problem {
	const code = answerCodes[p.code];
	if ('min' in p) return { code, params: { min: p.min } };
	if ('max' in p) return { code, params: { max: p.max } };
	return { code };
}

/** One refusal for every item with a problem, each on its item's key. */
function refuseAnswers(problems: Record<string, FieldProblem>): void {
	const entries = Object.entries(problems);
	if (entries.length === 0) return;
	throw new Refusal(Object.fromEntries(entries.map(([key, p]) => [key, asProblem(p)])));
}

/** A refusal about the answers themselves (not the submission as a whole). */
export const refusesAnswers = (e: Refusal): boolean => !('' in e.problems);

function checkNotes(
	items: ChecklistItem[],
	answers: Answers,
	previous: Answers,
	notes: Record<string, string>
) {
	const problems: Record<string, FieldProblem> = {};
	for (const item of items) {
		// Every note is checked, as save stores any item's note, not only the ones the form shows.
		const clean = cleanText(notes[item.key] ?? '', { max: NOTE_MAX });
		if ('problem' in clean) {
			problems[item.key] =
				clean.problem.code === 'too_long' ? { code: 'note_too_long', max: NOTE_MAX } : clean.problem;
			continue;
		}
		const note = clean.value;
		// A register figure is a record, not a typed value: nothing to confirm.
		if ((item.kind !== 'count' && item.kind !== 'number') || isRegisterItem(item.key)) continue;
		if (isOutOfLine(previous[item.key], answers[item.key]) && !note)
			problems[item.key] = { code: 'needs_confirmation' };
	}
	return problems;
}

// ---- saving -----------------------------------------------------------------------------------

interface Target {
	roundId: number;
	pointId: number;
	/** The submission version the form was read at; null when it had no submission yet. */
	expectedVersion: number | null;
	/** The round's items, when the caller has already read them (they never change for a round). */
	definition?: ChecklistDefinition;
}

type Raw = Record<string, string | string[] | undefined>;

export interface SaveInput extends Target {
	/** Which items this save covers (a section, or all). */
	itemKeys?: string[];
	raw: Raw;
	notes: Record<string, string>;
}

/** The round is open, asks the point, the form is not stale and the submission can still change. */
async function guard(trx: Db, input: Target) {
	const round = await findRound(trx, input.roundId);
	if (!round || round.status !== 'open') refuse('', 'checklist_round_closed', undefined, 409);
	if (!(await isTarget(trx, input.roundId, input.pointId))) refuseNotFound();
	const submission = await findSubmission(trx, input.roundId, input.pointId);
	if ((submission?.version ?? null) !== input.expectedVersion) refuse('', 'checklist_stale', undefined, 409);
	if (submission && !isEditable(submission.status)) refuse('', 'checklist_locked', undefined, 409);
	const definition = input.definition ?? (await findVersion(trx, round.template_version_id))!.definition;
	return { round, submission, definition };
}

async function saveIn(
	trx: Db,
	actorId: number | null,
	input: Target & {
		itemKeys?: string[];
		/** What was posted, or, for "same as last round", the last accepted answers. */
		raw: Raw | 'previous';
		notes: Record<string, string>;
	}
): Promise<{ submissionId: number; version: number }> {
	const g = await guard(trx, input);
	const items = allItems(g.definition).filter((i) => !input.itemKeys || input.itemKeys.includes(i.key));
	const stored: StoredAnswers = g.submission
		? await readAnswers(trx, g.submission.id)
		: { answers: {}, notes: {} };
	const previous = (await previousAccepted(trx, input.pointId, g.round)).answers;

	const raw: Raw =
		input.raw === 'previous'
			? Object.fromEntries(items.map((i) => [i.key, toFormValue(previous[i.key])]))
			: { ...input.raw };
	// Register items take the register's figures whatever was posted.
	const fromRegister = await registerAnswers(
		trx,
		input.pointId,
		g.round,
		items.map((i) => i.key)
	);
	for (const [k, v] of Object.entries(fromRegister)) raw[k] = toFormValue(v);
	const parsed = parseAnswers(items, raw, { requireComplete: false, context: stored.answers });
	refuseAnswers({ ...checkNotes(items, parsed.answers, previous, input.notes), ...parsed.problems });

	const at = now();
	const nextVersion = (g.submission?.version ?? 0) + 1;
	let submissionId: number;
	if (!g.submission) {
		submissionId = await insertSubmission(trx, {
			round_id: input.roundId,
			point_id: input.pointId,
			status: 'draft',
			version: nextVersion,
			client_token: null,
			submitted_at: null,
			submitted_by: null,
			reviewed_at: null,
			reviewed_by: null,
			review_note: null,
			created_at: at,
			updated_at: at
		});
		await writeAudit(trx, {
			userId: actorId,
			action: 'submission.create',
			entityType: 'submission',
			entityId: submissionId,
			changes: { round_id: input.roundId, point_id: input.pointId }
		});
	} else {
		submissionId = g.submission.id;
		await updateSubmission(trx, submissionId, { version: nextVersion, updated_at: at });
	}

	const changes: Record<string, [AnswerValue, AnswerValue]> = {};
	for (const item of items) {
		// Hidden items are cleared, so an answer behind a changed condition does not linger.
		const value = item.key in parsed.answers ? parsed.answers[item.key] : null;
		const note = tidyText(input.notes[item.key] ?? '') || null;
		const before = stored.answers[item.key];
		if (!sameAnswer(before, value)) changes[item.key] = [before ?? null, value];
		// A blank is stored too: an item with no row counts as never saved, and submit would fill
		// it from last round, bringing back an answer the staff member cleared.
		if (item.key in stored.answers && sameAnswer(before, value) && (stored.notes[item.key] ?? null) === note)
			continue;
		await replaceAnswer(trx, submissionId, item.key, value, note);
	}
	if (Object.keys(changes).length > 0) {
		await writeAudit(trx, {
			userId: actorId,
			action: 'submission.answers',
			entityType: 'submission',
			entityId: submissionId,
			changes
		});
	}
	return { submissionId, version: nextVersion };
}

/** Saves some or all answers of a draft (or a returned submission); nothing is written on any problem. */
export function saveAnswers(db: Db, actorId: number | null, input: SaveInput) {
	return db.transaction().execute((trx) => saveIn(trx, actorId, input));
}

/** Saves the last accepted answers for some items (a section) or all, as if typed again. */
export function saveSameAsLast(db: Db, actorId: number | null, input: Target & { itemKeys?: string[] }) {
	return db.transaction().execute((trx) => saveIn(trx, actorId, { ...input, raw: 'previous', notes: {} }));
}

// ---- submitting -------------------------------------------------------------------------------

export interface SubmitInput extends Target {
	clientToken: string;
	at?: Date;
}

/**
 * Submits the saved draft. A repeat (double tap, a retry after a timeout) is answered as done:
 * there is one submission per point and round, and its client token recognises the retry.
 */
export function submit(
	db: Db,
	actorId: number | null,
	input: SubmitInput
): Promise<{ submissionId: number; already: boolean; late: boolean }> {
	return db.transaction().execute(async (trx) => {
		const existing = await findSubmission(trx, input.roundId, input.pointId);
		if (existing && isSent(existing.status)) {
			return { submissionId: existing.id, already: true, late: existing.late === 1 };
		}
		const g = await guard(trx, input);
		const submission = g.submission;
		// Only what was saved is submitted: a form never saved has nothing to send.
		if (!submission || !canSubmit(submission.status)) refuse('', 'checklist_empty');
		const stored = await readAnswers(trx, submission.id);
		const items = allItems(g.definition);
		const previous = (await previousAccepted(trx, input.pointId, g.round)).answers;
		// Sections never saved were shown prefilled with last round's answers: those are submitted.
		const carried: Record<string, [AnswerValue, AnswerValue]> = {};
		for (const item of items) {
			if (item.key in stored.answers || previous[item.key] == null || isRegisterItem(item.key)) continue;
			stored.answers[item.key] = previous[item.key];
			carried[item.key] = [null, previous[item.key]];
			await insertAnswer(trx, submission.id, item.key, previous[item.key], null);
		}
		// The registers may have changed since the draft was saved: submit what they say now.
		const fromRegister = await registerAnswers(
			trx,
			input.pointId,
			g.round,
			items.map((i) => i.key)
		);
		for (const [key, value] of Object.entries(fromRegister)) {
			if (key in stored.answers && sameAnswer(stored.answers[key], value)) continue;
			carried[key] = [stored.answers[key] ?? null, value];
			stored.answers[key] = value;
			await replaceAnswer(trx, submission.id, key, value, null);
		}
		const raw = Object.fromEntries(Object.entries(stored.answers).map(([k, v]) => [k, toFormValue(v)]));
		const parsed = parseAnswers(items, raw, { requireComplete: true });
		// Nothing half-written: the refusal rolls the carried answers back with it.
		refuseAnswers({ ...checkNotes(items, parsed.answers, previous, stored.notes), ...parsed.problems });
		if (Object.keys(carried).length > 0) {
			await writeAudit(trx, {
				userId: actorId,
				action: 'submission.answers',
				entityType: 'submission',
				entityId: submission.id,
				changes: carried
			});
		}

		const at = input.at ?? new Date();
		// A point that reported on time and corrects after a return is not made late by the correction.
		const late = submission.submitted_at ? submission.late === 1 : isLate(g.round.due_on, at);
		await updateSubmission(trx, submission.id, {
			status: 'submitted',
			version: submission.version + 1,
			submitted_at: submission.submitted_at ?? at.toISOString(),
			submitted_by: actorId,
			client_token: input.clientToken,
			late: late ? 1 : 0,
			updated_at: at.toISOString()
		});
		await writeAudit(trx, {
			userId: actorId,
			action: 'submission.submit',
			entityType: 'submission',
			entityId: submission.id,
			changes: { status: [submission.status, 'submitted'], late }
		});
		return { submissionId: submission.id, already: false, late };
	});
}

/**
 * Nothing changed: the last accepted answers, saved and submitted in one step. Answers that cannot
 * be submitted as they are stay saved, for the review step to show (`submitted: false`).
 */
export async function submitSameAsLast(
	db: Db,
	actorId: number | null,
	input: SubmitInput
): Promise<{ submitted: boolean }> {
	let saved: { version: number };
	try {
		saved = await saveSameAsLast(db, actorId, input);
	} catch (e) {
		// A double tap or a retry finds the first one already submitted: done, as submit answers it.
		if (isRefusal(e) && isSent((await findSubmission(db, input.roundId, input.pointId))?.status))
			return { submitted: true };
		throw e;
	}
	try {
		await submit(db, actorId, { ...input, expectedVersion: saved.version });
		return { submitted: true };
	} catch (e) {
		if (isRefusal(e) && refusesAnswers(e)) return { submitted: false };
		throw e;
	}
}

// ---- reviewing --------------------------------------------------------------------------------

async function review(
	db: Db,
	actorId: number | null,
	submissionId: number,
	step: ReviewStep,
	reason: string | null,
	expectedVersion?: number
): Promise<void> {
	const { from, to } = reviewSteps[step];
	await db.transaction().execute(async (trx) => {
		const s = await findSubmissionById(trx, submissionId);
		if (!s || !canReview(step, s.status)) refuse('', 'review_wrong_state', undefined, 409);
		if (expectedVersion !== undefined && s.version !== expectedVersion)
			refuse('', 'review_stale', undefined, 409);
		const at = now();
		await updateSubmission(trx, submissionId, {
			status: to,
			version: s.version + 1,
			reviewed_at: at,
			reviewed_by: actorId,
			review_note: reason,
			updated_at: at
		});
		await writeAudit(trx, {
			userId: actorId,
			action: `submission.${step}`,
			entityType: 'submission',
			entityId: submissionId,
			changes: { status: [from, to], ...(reason ? { reason } : {}) }
		});
		// Accepting or reopening changes what counts; the trends move in the same transaction.
		if (from === 'accepted' || to === 'accepted') await pointChanged(trx, s.point_id);
	});
}

export const acceptSubmission = (db: Db, actorId: number | null, id: number, expectedVersion?: number) =>
	review(db, actorId, id, 'accept', null, expectedVersion);
export const returnSubmission = (
	db: Db,
	actorId: number | null,
	id: number,
	reason: string,
	expectedVersion?: number
) => review(db, actorId, id, 'return', reason, expectedVersion);
export const reopenSubmission = (
	db: Db,
	actorId: number | null,
	id: number,
	reason: string,
	expectedVersion?: number
) => review(db, actorId, id, 'reopen', reason, expectedVersion);
