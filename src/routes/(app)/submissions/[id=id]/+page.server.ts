import { fail } from '@sveltejs/kit';
import { message, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { allItems } from '$lib/domain/checklist';
import { acceptSchema, reasonSchema } from '$lib/forms/checklist';
import { m } from '$lib/paraglide/messages.js';
import { canReviewPoint, notFound, requirePoint } from '$lib/server/auth/access';
import { listAudit } from '$lib/server/audit/audit.repository';
import { expectedVersion } from '$lib/server/checklists/form-data';
import {
	acceptSubmission,
	findSubmissionById,
	loadChecklist,
	reopenSubmission,
	returnSubmission
} from '$lib/server/checklists/submissions.service';
import { db } from '$lib/server/db';
import { jsonFromColumn } from '$lib/server/db/json-columns';
import { refusedForm } from '$lib/server/forms/refused';
import { findPointView } from '$lib/server/points/points.repository';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

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
	const { round } = state;
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
		// Each entry's changes as they were recorded: { key: [from, to] }, the state change, the reason.
		history: history.map((h) => ({
			...h,
			changes: jsonFromColumn<Record<string, unknown> | null>(h.changes, null)
		})),
		labels,
		canReview,
		acceptForm: await superValidate(zod4(acceptSchema()), { id: 'accept' }),
		returnForm: await superValidate(zod4(reasonSchema()), { id: 'return' }),
		reopenForm: await superValidate(zod4(reasonSchema()), { id: 'reopen' })
	};
};

/** The version the reviewer saw; without one, the step is not checked against it. */
const seen = (posted: string) => expectedVersion(posted) ?? undefined;

export const actions: Actions = {
	accept: async (event) => {
		const { user, submission, canReview } = await access(event);
		if (!canReview) notFound();
		const form = await superValidate(event.request, zod4(acceptSchema()), { id: 'accept' });
		if (!form.valid) return fail(400, { form });
		try {
			await acceptSubmission(db(), user.id, submission.id, seen(form.data.version));
		} catch (e) {
			return refusedForm(form, e);
		}
		return message(form, m.review_accepted());
	},
	return: async (event) => {
		const { user, submission, canReview } = await access(event);
		if (!canReview) notFound();
		const form = await superValidate(event.request, zod4(reasonSchema()), { id: 'return' });
		if (!form.valid) return fail(400, { form });
		try {
			await returnSubmission(db(), user.id, submission.id, form.data.reason, seen(form.data.version));
		} catch (e) {
			return refusedForm(form, e);
		}
		return message(form, m.review_returned());
	},
	reopen: async (event) => {
		const { user, submission, canReview } = await access(event);
		if (!canReview) notFound();
		const form = await superValidate(event.request, zod4(reasonSchema()), { id: 'reopen' });
		if (!form.valid) return fail(400, { form });
		try {
			await reopenSubmission(db(), user.id, submission.id, form.data.reason, seen(form.data.version));
		} catch (e) {
			return refusedForm(form, e);
		}
		return message(form, m.review_reopened());
	}
};
