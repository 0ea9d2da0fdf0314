import { fail } from '@sveltejs/kit';
import { allItems } from '$lib/domain/checklist';
import { m } from '$lib/paraglide/messages.js';
import { canReviewPoint, notFound, requirePoint } from '$lib/server/auth/access';
import { listAudit } from '$lib/server/audit/audit.repository';
import { findRound } from '$lib/server/checklists/rounds.service';
import {
	acceptSubmission,
	findSubmissionById,
	loadChecklist,
	reopenSubmission,
	returnSubmission,
	type ReviewOutcome
} from '$lib/server/checklists/submissions.service';
import { db } from '$lib/server/db';
import { findPointView } from '$lib/server/points/points.repository';
import { cleanText, textProblemMessage } from '$lib/forms/text-rule';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const REASON_MAX = 500;

async function access(event: RequestEvent | Parameters<PageServerLoad>[0]) {
	const submission = await findSubmissionById(db(), Number(event.params.id));
	const point = submission ? await findPointView(db(), submission.point_id) : undefined;
	const { user } = requirePoint(event, point);
	return {
		user,
		submission: submission!,
		point: point!,
		canReview: canReviewPoint(user, { id: point!.id, regionCode: point!.regionCode })
	};
}

export const load: PageServerLoad = async (event) => {
	const { submission, point, canReview } = await access(event);
	const state = (await loadChecklist(db(), submission.round_id, point.id))!;
	const round = (await findRound(db(), submission.round_id))!;
	const history = await listAudit(db(), {
		entityType: 'submission',
		entityId: String(submission.id),
		limit: 200
	});
	const labels = Object.fromEntries(allItems(state.definition).map((i) => [i.key, i.label]));
	return {
		submission: {
			id: submission.id,
			status: submission.status,
			version: submission.version,
			late: submission.late === 1,
			submittedAt: submission.submitted_at,
			reviewNote: submission.review_note
		},
		point: { id: point.id, name: point.name, regionCode: point.regionCode },
		round: { id: round.id, name: round.name, dueOn: round.due_on },
		definition: state.definition,
		templateVersion: state.templateVersion,
		answers: state.saved,
		notes: state.notes,
		previous: state.previous,
		previousRound: state.previousRound,
		history,
		labels,
		canReview
	};
};

function reasonOf(form: FormData) {
	const clean = cleanText(String(form.get('reason') ?? ''), { max: REASON_MAX, multiline: true });
	if ('problem' in clean) return { error: textProblemMessage(clean.problem) };
	if (!clean.value) return { error: m.review_reason_required() };
	return { reason: clean.value };
}

function answer(outcome: ReviewOutcome, done: string) {
	if (outcome.ok) return { done };
	return fail(409, { error: outcome.reason === 'stale' ? m.review_stale() : m.review_wrong_state() });
}

const versionOf = (form: FormData) =>
	/^\d+$/.test(String(form.get('version'))) ? Number(form.get('version')) : undefined;

export const actions: Actions = {
	accept: async (event) => {
		const { user, submission, canReview } = await access(event);
		if (!canReview) notFound();
		const form = await event.request.formData();
		return answer(await acceptSubmission(db(), user.id, submission.id, versionOf(form)), m.review_accepted());
	},
	return: async (event) => {
		const { user, submission, canReview } = await access(event);
		if (!canReview) notFound();
		const form = await event.request.formData();
		const r = reasonOf(form);
		if ('error' in r)
			return fail(400, { action: 'return', reasonError: r.error, reason: String(form.get('reason') ?? '') });
		return answer(
			await returnSubmission(db(), user.id, submission.id, r.reason, versionOf(form)),
			m.review_returned()
		);
	},
	reopen: async (event) => {
		const { user, submission, canReview } = await access(event);
		if (!canReview) notFound();
		const form = await event.request.formData();
		const r = reasonOf(form);
		if ('error' in r)
			return fail(400, { action: 'reopen', reasonError: r.error, reason: String(form.get('reason') ?? '') });
		return answer(
			await reopenSubmission(db(), user.id, submission.id, r.reason, versionOf(form)),
			m.review_reopened()
		);
	}
};
