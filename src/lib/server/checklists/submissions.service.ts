// The rules of a submission: one per point and round, saved only on the version it was read at,
// locked once submitted until a reviewer returns it, and every change audited.
import {
	allItems,
	isOutOfLine,
	parseAnswers,
	sameAnswer,
	toFormValue,
	type FieldProblem,
	type AnswerValue,
	type Answers,
	type ChecklistDefinition,
	type ChecklistItem
} from '../../domain/checklist';
import { isLate } from '../../domain/periods';
import { cleanText, tidyText } from '../../forms/text-rule';
import { writeAudit } from '../audit/audit.repository';
import { now, type Db } from '../db';
import type { RoundRow, SubmissionRow } from '../db/schema';
import { isRegisterItem, registerAnswers } from './register-figures';
import { findRound } from './rounds.service';
import { findVersion } from './templates.service';
import { pointChanged } from '../trends/indicators.service';

export const NOTE_MAX = 200;

export type SaveOutcome =
	| { ok: true; submissionId: number; version: number }
	| { ok: false; reason: 'problems'; problems: Record<string, FieldProblem>; answers: Answers }
	| { ok: false; reason: 'stale' | 'locked' | 'closed' | 'not_target' };

export interface ChecklistState {
	round: RoundRow;
	definition: ChecklistDefinition;
	templateVersion: number;
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

async function readAnswers(db: Db, submissionId: number) {
	const rows = await db.selectFrom('answers').selectAll().where('submission_id', '=', submissionId).execute();
	const answers: Answers = {};
	const notes: Record<string, string> = {};
	for (const r of rows) {
		answers[r.item_key] = JSON.parse(r.value) as AnswerValue;
		if (r.note) notes[r.item_key] = r.note;
	}
	return { answers, notes };
}

export async function previousAccepted(db: Db, pointId: number, beforeRound: RoundRow) {
	const prev = await db
		.selectFrom('submissions')
		.innerJoin('rounds', 'rounds.id', 'submissions.round_id')
		.select(['submissions.id', 'rounds.id as roundId', 'rounds.name'])
		.where('submissions.point_id', '=', pointId)
		.where('submissions.status', '=', 'accepted')
		.where('rounds.id', '!=', beforeRound.id)
		.where('rounds.period_start', '<=', beforeRound.period_start)
		.orderBy('rounds.period_start', 'desc')
		.orderBy('rounds.id', 'desc')
		.executeTakeFirst();
	if (!prev) return { answers: {} as Answers, round: null };
	return { answers: (await readAnswers(db, prev.id)).answers, round: { id: prev.roundId, name: prev.name } };
}

export async function findSubmission(db: Db, roundId: number, pointId: number) {
	return db
		.selectFrom('submissions')
		.selectAll()
		.where('round_id', '=', roundId)
		.where('point_id', '=', pointId)
		.executeTakeFirst();
}

export async function findSubmissionById(db: Db, id: number) {
	return db.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function isTarget(db: Db, roundId: number, pointId: number): Promise<boolean> {
	return !!(await db
		.selectFrom('round_targets')
		.select('point_id')
		.where('round_id', '=', roundId)
		.where('point_id', '=', pointId)
		.executeTakeFirst());
}

export async function loadChecklist(
	db: Db,
	roundId: number,
	pointId: number
): Promise<ChecklistState | null> {
	const round = await findRound(db, roundId);
	if (!round) return null;
	const version = await findVersion(db, round.template_version_id);
	if (!version) return null;
	const submission = (await findSubmission(db, roundId, pointId)) ?? null;
	const previous = await previousAccepted(db, pointId, round);
	const own = submission ? await readAnswers(db, submission.id) : null;
	const known = new Set(allItems(version.definition).map((i) => i.key));
	const prefill = Object.fromEntries(Object.entries(previous.answers).filter(([k]) => known.has(k)));
	const editable = !submission || submission.status === 'draft' || submission.status === 'returned';
	// While it can still change, a register item shows what the register says today.
	const fromRegister = editable ? await registerAnswers(db, pointId, round, [...known]) : {};
	return {
		round,
		definition: version.definition,
		templateVersion: version.version,
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

interface SaveInput {
	roundId: number;
	pointId: number;
	/** The submission version the form was read at; null when it had no submission yet. */
	expectedVersion: number | null;
	/** Which items this save covers (a section, or all). */
	itemKeys?: string[];
	raw: Record<string, string | string[] | undefined>;
	notes: Record<string, string>;
}

type Guarded = { ok: false; reason: 'stale' | 'locked' | 'closed' | 'not_target' };

async function guard(
	trx: Db,
	roundId: number,
	pointId: number,
	expectedVersion: number | null
): Promise<Guarded | { ok: true; round: RoundRow; submission: SubmissionRow | undefined }> {
	const round = await findRound(trx, roundId);
	if (!round || round.status !== 'open') return { ok: false, reason: 'closed' };
	if (!(await isTarget(trx, roundId, pointId))) return { ok: false, reason: 'not_target' };
	const submission = await findSubmission(trx, roundId, pointId);
	if ((submission?.version ?? null) !== expectedVersion) return { ok: false, reason: 'stale' };
	if (submission && (submission.status === 'submitted' || submission.status === 'accepted'))
		return { ok: false, reason: 'locked' };
	return { ok: true, round, submission };
}

/** Saves some or all answers of a draft (or a returned submission); nothing is written on any problem. */
export async function saveAnswers(db: Db, actorId: number | null, input: SaveInput): Promise<SaveOutcome> {
	return db.transaction().execute(async (trx) => {
		const g = await guard(trx, input.roundId, input.pointId, input.expectedVersion);
		if (!g.ok) return g;
		const version = (await findVersion(trx, g.round.template_version_id))!;
		const items = allItems(version.definition).filter(
			(i) => !input.itemKeys || input.itemKeys.includes(i.key)
		);
		const stored = g.submission
			? await readAnswers(trx, g.submission.id)
			: { answers: {} as Answers, notes: {} as Record<string, string> };
		const previous = (await previousAccepted(trx, input.pointId, g.round)).answers;

		// Register items take the register's figures whatever was posted.
		const fromRegister = await registerAnswers(
			trx,
			input.pointId,
			g.round,
			items.map((i) => i.key)
		);
		const raw = { ...input.raw };
		for (const [k, v] of Object.entries(fromRegister)) raw[k] = toFormValue(v);
		const parsed = parseAnswers(items, raw, { requireComplete: false, context: stored.answers });
		const problems: Record<string, FieldProblem> = {
			...checkNotes(items, parsed.answers, previous, input.notes),
			...parsed.problems
		};
		if (Object.keys(problems).length > 0)
			return { ok: false, reason: 'problems', problems, answers: parsed.answers };

		const at = now();
		let submissionId = g.submission?.id;
		const nextVersion = (g.submission?.version ?? 0) + 1;
		if (!g.submission) {
			({ id: submissionId } = await trx
				.insertInto('submissions')
				.values({
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
				})
				.returning('id')
				.executeTakeFirstOrThrow());
			await writeAudit(trx, {
				userId: actorId,
				action: 'submission.create',
				entityType: 'submission',
				entityId: submissionId,
				changes: { round_id: input.roundId, point_id: input.pointId }
			});
		} else {
			await trx
				.updateTable('submissions')
				.set({ version: nextVersion, updated_at: at })
				.where('id', '=', submissionId!)
				.execute();
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
			if (
				item.key in stored.answers &&
				sameAnswer(before, value) &&
				(stored.notes[item.key] ?? null) === note
			)
				continue;
			await trx
				.deleteFrom('answers')
				.where('submission_id', '=', submissionId!)
				.where('item_key', '=', item.key)
				.execute();
			await trx
				.insertInto('answers')
				.values({ submission_id: submissionId!, item_key: item.key, value: JSON.stringify(value), note })
				.execute();
		}
		if (Object.keys(changes).length > 0) {
			await writeAudit(trx, {
				userId: actorId,
				action: 'submission.answers',
				entityType: 'submission',
				entityId: submissionId!,
				changes
			});
		}
		return { ok: true, submissionId: submissionId!, version: nextVersion };
	});
}

class SubmitRefused extends Error {
	constructor(readonly problems: Record<string, FieldProblem>) {
		super('submit refused');
	}
}

export type SubmitOutcome =
	| { ok: true; submissionId: number; already: boolean; late: boolean }
	| { ok: false; reason: 'problems'; problems: Record<string, FieldProblem> }
	| { ok: false; reason: 'stale' | 'locked' | 'closed' | 'not_target' | 'empty' };

/**
 * Submits the saved draft. A repeat (double tap, a retry after a timeout) is answered as done:
 * there is one submission per point and round, and its client token recognises the retry.
 */
export async function submit(
	db: Db,
	actorId: number | null,
	input: { roundId: number; pointId: number; expectedVersion: number | null; clientToken: string; at?: Date }
): Promise<SubmitOutcome> {
	try {
		return await submitIn(db, actorId, input);
	} catch (e) {
		if (e instanceof SubmitRefused) return { ok: false, reason: 'problems', problems: e.problems };
		throw e;
	}
}

function submitIn(
	db: Db,
	actorId: number | null,
	input: { roundId: number; pointId: number; expectedVersion: number | null; clientToken: string; at?: Date }
): Promise<SubmitOutcome> {
	return db.transaction().execute(async (trx): Promise<SubmitOutcome> => {
		const existing = await findSubmission(trx, input.roundId, input.pointId);
		if (existing && (existing.status === 'submitted' || existing.status === 'accepted')) {
			return { ok: true, submissionId: existing.id, already: true, late: existing.late === 1 };
		}
		const g = await guard(trx, input.roundId, input.pointId, input.expectedVersion);
		if (!g.ok) return g;
		if (!g.submission) return { ok: false, reason: 'empty' };
		const version = (await findVersion(trx, g.round.template_version_id))!;
		const stored = await readAnswers(trx, g.submission.id);
		const items = allItems(version.definition);
		const previous = (await previousAccepted(trx, input.pointId, g.round)).answers;
		// Sections never saved were shown prefilled with last round's answers: those are submitted.
		const carried: Record<string, [AnswerValue, AnswerValue]> = {};
		for (const item of items) {
			if (item.key in stored.answers || previous[item.key] == null || isRegisterItem(item.key)) continue;
			stored.answers[item.key] = previous[item.key];
			carried[item.key] = [null, previous[item.key]];
			await trx
				.insertInto('answers')
				.values({
					submission_id: g.submission.id,
					item_key: item.key,
					value: JSON.stringify(previous[item.key]),
					note: null
				})
				.execute();
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
			await trx
				.deleteFrom('answers')
				.where('submission_id', '=', g.submission.id)
				.where('item_key', '=', key)
				.execute();
			await trx
				.insertInto('answers')
				.values({ submission_id: g.submission.id, item_key: key, value: JSON.stringify(value), note: null })
				.execute();
		}
		const raw = Object.fromEntries(Object.entries(stored.answers).map(([k, v]) => [k, toFormValue(v)]));
		const parsed = parseAnswers(items, raw, { requireComplete: true });
		const problems = { ...checkNotes(items, parsed.answers, previous, stored.notes), ...parsed.problems };
		if (Object.keys(problems).length > 0) {
			// Nothing half-written: roll back the carried answers with the refusal.
			throw new SubmitRefused(problems);
		}
		if (Object.keys(carried).length > 0) {
			await writeAudit(trx, {
				userId: actorId,
				action: 'submission.answers',
				entityType: 'submission',
				entityId: g.submission.id,
				changes: carried
			});
		}

		const at = input.at ?? new Date();
		// A point that reported on time and corrects after a return is not made late by the correction.
		const late = g.submission.submitted_at ? g.submission.late === 1 : isLate(g.round.due_on, at);
		await trx
			.updateTable('submissions')
			.set({
				status: 'submitted',
				version: g.submission.version + 1,
				submitted_at: g.submission.submitted_at ?? at.toISOString(),
				submitted_by: actorId,
				client_token: input.clientToken,
				late: late ? 1 : 0,
				updated_at: at.toISOString()
			})
			.where('id', '=', g.submission.id)
			.execute();
		await writeAudit(trx, {
			userId: actorId,
			action: 'submission.submit',
			entityType: 'submission',
			entityId: g.submission.id,
			changes: { status: [g.submission.status, 'submitted'], late }
		});
		return { ok: true, submissionId: g.submission.id, already: false, late };
	});
}

export type ReviewOutcome = { ok: true } | { ok: false; reason: 'wrong_state' | 'stale' };

async function review(
	db: Db,
	actorId: number | null,
	submissionId: number,
	from: SubmissionRow['status'],
	to: SubmissionRow['status'],
	action: string,
	reason: string | null,
	expectedVersion?: number
): Promise<ReviewOutcome> {
	return db.transaction().execute(async (trx) => {
		const s = await findSubmissionById(trx, submissionId);
		if (!s || s.status !== from) return { ok: false, reason: 'wrong_state' };
		if (expectedVersion !== undefined && s.version !== expectedVersion) return { ok: false, reason: 'stale' };
		const at = now();
		await trx
			.updateTable('submissions')
			.set({
				status: to,
				version: s.version + 1,
				reviewed_at: at,
				reviewed_by: actorId,
				review_note: reason,
				updated_at: at
			})
			.where('id', '=', submissionId)
			.execute();
		await writeAudit(trx, {
			userId: actorId,
			action,
			entityType: 'submission',
			entityId: submissionId,
			changes: { status: [from, to], ...(reason ? { reason } : {}) }
		});
		// Accepting or reopening changes what counts; the trends move in the same transaction.
		if (from === 'accepted' || to === 'accepted') await pointChanged(trx, s.point_id);
		return { ok: true };
	});
}

export const acceptSubmission = (db: Db, actorId: number | null, id: number, expectedVersion?: number) =>
	review(db, actorId, id, 'submitted', 'accepted', 'submission.accept', null, expectedVersion);
export const returnSubmission = (
	db: Db,
	actorId: number | null,
	id: number,
	reason: string,
	expectedVersion?: number
) => review(db, actorId, id, 'submitted', 'returned', 'submission.return', reason, expectedVersion);
export const reopenSubmission = (
	db: Db,
	actorId: number | null,
	id: number,
	reason: string,
	expectedVersion?: number
) => review(db, actorId, id, 'accepted', 'returned', 'submission.reopen', reason, expectedVersion);
