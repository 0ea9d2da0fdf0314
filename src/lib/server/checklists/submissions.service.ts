// The rules of a submission: one per point and round, saved only on the version it was read at,
// locked once submitted until a reviewer returns it, and every change audited. A refusal is a
// thrown Refusal; thrown inside the transaction, it leaves nothing written.
import {
	allItems,
	carriedAnswers,
	isOutOfLine,
	isVisible,
	itemCarriesOver,
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
import { refuse, refuseNotFound, Refusal } from '../refusal';
import { pointChanged } from '../trends/indicators.service';
import { isRegisterItem, registerAnswers } from './register-figures';
import { findRound } from './rounds.repository';
import {
	findPreviousAccepted,
	findSubmission,
	findSubmissionById,
	insertSubmission,
	isTarget,
	readAnswers,
	writeAnswers,
	type AnswerWrite,
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
	/**
	 * The draft's answers, over last round's carrying answers for what the draft has not saved yet,
	 * under the register figures: `{ ...carried, ...saved, ...register }`.
	 */
	answers: Answers;
	/** Last round's answers to the items that carry over (prefilled, submitted unless changed). */
	carried: Answers;
	/** The register figures while the submission can change; empty once it is sent. */
	register: Answers;
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
	// Only what carries over is offered again; a period's events and feelings are asked afresh.
	const prefill = carriedAnswers(definition, previous.answers);
	// While it can still change, a register item shows what the register says today.
	const fromRegister = isEditable(submission?.status)
		? await registerAnswers(db, pointId, round, [...known])
		: {};
	return {
		...found,
		submission,
		// Sections not yet saved in the draft still show last round's carrying answers.
		answers: { ...prefill, ...own?.answers, ...fromRegister },
		carried: prefill,
		register: fromRegister,
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

/** The save itself, inside the caller's transaction (the offline outbox adds its token check). */
export async function saveIn(
	trx: Db,
	actorId: number | null,
	input: Target & {
		itemKeys?: string[];
		/**
		 * What was posted, or, for "same as last round", the last accepted answers of the items
		 * that carry over (the others in scope are left as the draft has them, or taken from `typed`).
		 */
		raw: Raw | 'previous';
		notes: Record<string, string>;
		/** With 'previous': the items answered on the same screen (their keys and what was typed). */
		typed?: { keys: string[]; raw: Raw };
		/**
		 * With 'previous': refuse when a required, shown item in scope is left blank (one last
		 * round cannot answer and the draft has not), rather than saving a section still unanswered.
		 */
		requireComplete?: boolean;
	}
): Promise<{ submissionId: number; version: number }> {
	const g = await guard(trx, input);
	const scope = allItems(g.definition).filter((i) => !input.itemKeys || input.itemKeys.includes(i.key));
	const stored: StoredAnswers = g.submission
		? await readAnswers(trx, g.submission.id)
		: { answers: {}, notes: {} };
	const previous = (await previousAccepted(trx, input.pointId, g.round)).answers;

	const asked = new Set(input.raw === 'previous' ? (input.typed?.keys ?? []) : []);
	const items =
		input.raw === 'previous'
			? scope.filter((i) => isRegisterItem(i.key) || asked.has(i.key) || itemCarriesOver(i))
			: scope;
	const raw: Raw =
		input.raw === 'previous'
			? Object.fromEntries(
					items.map((i) => [i.key, asked.has(i.key) ? input.typed?.raw[i.key] : toFormValue(previous[i.key])])
				)
			: { ...input.raw };
	// Register items take the register's figures whatever was posted.
	const fromRegister = await registerAnswers(
		trx,
		input.pointId,
		g.round,
		items.map((i) => i.key)
	);
	for (const [k, v] of Object.entries(fromRegister)) raw[k] = toFormValue(v);
	const requireComplete = input.raw === 'previous' && !!input.requireComplete;
	const parsed = parseAnswers(items, raw, { requireComplete, context: stored.answers });
	const unanswered: Record<string, FieldProblem> = {};
	if (requireComplete) {
		// The items in scope this save leaves alone must already have an answer in the draft.
		const after = { ...stored.answers, ...parsed.answers };
		for (const item of scope)
			if (!items.includes(item) && item.required && isVisible(item, after) && isBlankAnswer(after[item.key]))
				unanswered[item.key] = { code: 'required' };
	}
	refuseAnswers({
		...checkNotes(items, parsed.answers, previous, input.notes),
		...unanswered,
		...parsed.problems
	});

	const at = now();
	const nextVersion = (g.submission?.version ?? 0) + 1;
	let submissionId: number;
	if (!g.submission) {
		submissionId = await createDraft(trx, actorId, input, at);
	} else {
		submissionId = g.submission.id;
		await updateSubmission(trx, submissionId, { version: nextVersion, updated_at: at });
	}

	const changes: Record<string, [AnswerValue, AnswerValue]> = {};
	const writes: AnswerWrite[] = [];
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
		writes.push({ itemKey: item.key, value, note });
	}
	await writeAnswers(trx, submissionId, writes);
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

const isBlankAnswer = (v: AnswerValue | undefined) =>
	v == null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);

/** A point's first draft of a round, at version 1. */
async function createDraft(
	trx: Db,
	actorId: number | null,
	target: { roundId: number; pointId: number },
	at: string
): Promise<number> {
	const submissionId = await insertSubmission(trx, {
		round_id: target.roundId,
		point_id: target.pointId,
		status: 'draft',
		version: 1,
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
		changes: { round_id: target.roundId, point_id: target.pointId }
	});
	return submissionId;
}

/** Saves some or all answers of a draft (or a returned submission); nothing is written on any problem. */
export function saveAnswers(db: Db, actorId: number | null, input: SaveInput) {
	return db.transaction().execute((trx) => saveIn(trx, actorId, input));
}

/**
 * Saves the last accepted answers of the items that carry over, for some items (a section) or all,
 * as if typed again. Refused, writing nothing, while an item in scope that does not carry (or that
 * last round left blank) is required and still unanswered in the draft: each such item on its key.
 */
export function saveSameAsLast(db: Db, actorId: number | null, input: Target & { itemKeys?: string[] }) {
	return db
		.transaction()
		.execute((trx) => saveIn(trx, actorId, { ...input, raw: 'previous', notes: {}, requireComplete: true }));
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
	return db.transaction().execute((trx) => submitIn(trx, actorId, input));
}

/** The submit itself, inside the caller's transaction. */
export async function submitIn(
	trx: Db,
	actorId: number | null,
	input: SubmitInput
): Promise<{ submissionId: number; already: boolean; late: boolean }> {
	const existing = await findSubmission(trx, input.roundId, input.pointId);
	if (existing && isSent(existing.status)) {
		return { submissionId: existing.id, already: true, late: existing.late === 1 };
	}
	const g = await guard(trx, input);
	// A form never saved is submitted as shown: its carried answers and register figures, in a
	// draft made now (rolled back with the rest if the submit is refused).
	const submission =
		g.submission ?? (await findSubmissionById(trx, await createDraft(trx, actorId, input, now())))!;
	if (!canSubmit(submission.status)) refuse('', 'checklist_empty');
	const stored = await readAnswers(trx, submission.id);
	const items = allItems(g.definition);
	const previous = (await previousAccepted(trx, input.pointId, g.round)).answers;
	// Sections never saved were shown prefilled with last round's carrying answers: those are
	// submitted. An item that does not carry is never filled in for the staff member.
	const carried: Record<string, [AnswerValue, AnswerValue]> = {};
	const writes: AnswerWrite[] = [];
	for (const item of items) {
		if (item.key in stored.answers || previous[item.key] == null || isRegisterItem(item.key)) continue;
		if (!itemCarriesOver(item)) continue;
		stored.answers[item.key] = previous[item.key];
		carried[item.key] = [null, previous[item.key]];
		writes.push({ itemKey: item.key, value: previous[item.key], note: null });
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
		writes.push({ itemKey: key, value, note: null });
	}
	await writeAnswers(trx, submission.id, writes);
	// Nothing saved, nothing carried, no register: there is nothing to send.
	if (Object.keys(stored.answers).length === 0) refuse('', 'checklist_empty');
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
}

export interface SameAsLastInput extends SubmitInput {
	/**
	 * The items answered on the "same as last round" screen (those that do not carry over, or that
	 * last round left blank), as posted, with any out-of-line reasons.
	 */
	typed?: { keys: string[]; raw: Raw; notes: Record<string, string> };
}

/**
 * "Same as last round": the carrying answers of the last accepted round, the register figures and
 * what was typed on the same screen, saved and submitted in one transaction. A refusal (a required
 * item left blank, a bad value, a stale page) is thrown with each problem on its item's key and
 * leaves nothing written: the draft is never left half-copied, and nothing looks submitted.
 */
export function submitSameAsLast(
	db: Db,
	actorId: number | null,
	input: SameAsLastInput
): Promise<{ submissionId: number; already: boolean; late: boolean }> {
	return db.transaction().execute(async (trx) => {
		// A double tap or a retry finds the first one already submitted: done, as submit answers it.
		const existing = await findSubmission(trx, input.roundId, input.pointId);
		if (existing && isSent(existing.status))
			return { submissionId: existing.id, already: true, late: existing.late === 1 };
		const saved = await saveIn(trx, actorId, {
			...input,
			raw: 'previous',
			typed: input.typed && { keys: input.typed.keys, raw: input.typed.raw },
			notes: input.typed?.notes ?? {},
			requireComplete: true
		});
		return submitIn(trx, actorId, { ...input, expectedVersion: saved.version });
	});
}

// ---- withdrawing ------------------------------------------------------------------------------

/**
 * Takes a submitted checklist back, while no reviewer has acted on it and the round is open: the
 * staff member can change it and submit again. It goes back to what it was before that submit:
 * a draft (not reported: its submit time and late mark go), or returned when a reviewer had
 * returned it earlier (its note and first report's time stay). The page's retry token is dropped,
 * so a replay of the old submit is not taken for done.
 */
export function withdrawSubmission(
	db: Db,
	actorId: number | null,
	input: { roundId: number; pointId: number; expectedVersion: number | null }
): Promise<{ version: number; status: 'draft' | 'returned' }> {
	return db.transaction().execute(async (trx) => {
		const round = await findRound(trx, input.roundId);
		if (!round || round.status !== 'open') refuse('', 'checklist_round_closed', undefined, 409);
		if (!(await isTarget(trx, input.roundId, input.pointId))) refuseNotFound();
		const s = await findSubmission(trx, input.roundId, input.pointId);
		if (!s || !isSent(s.status)) refuse('', 'withdraw_not_submitted', undefined, 409);
		if (s.status !== 'submitted') refuse('', 'withdraw_reviewed', undefined, 409);
		if (s.version !== input.expectedVersion) refuse('', 'withdraw_stale', undefined, 409);
		const to = s.reviewed_at ? 'returned' : 'draft';
		const at = now();
		await updateSubmission(trx, s.id, {
			status: to,
			version: s.version + 1,
			client_token: null,
			updated_at: at,
			...(to === 'draft' ? { submitted_at: null, submitted_by: null, late: 0 } : {})
		});
		await writeAudit(trx, {
			userId: actorId,
			action: 'submission.withdraw',
			entityType: 'submission',
			entityId: s.id,
			changes: { status: ['submitted', to] }
		});
		return { version: s.version + 1, status: to };
	});
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
