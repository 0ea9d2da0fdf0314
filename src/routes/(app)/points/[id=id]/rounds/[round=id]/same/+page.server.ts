// "与上轮相同，直接提交" on one screen of its own: what it will submit (last round's carrying
// answers, the register figures) and the period's own questions, one submit for all. Its own
// page, so the checklist's sections do not carry its code and words to every phone.
import { fail, redirect } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { allItems, sameAsLastPlan } from '$lib/domain/checklist';
import { isLocked } from '$lib/domain/submission-state';
import { sameAllSchema } from '$lib/forms/checklist';
import { notFound } from '$lib/server/auth/access';
import { checklistPath, requireOwnChecklist } from '$lib/server/checklists/checklist-access';
import { answerFields, clientToken, expectedVersion, itemKeys } from '$lib/server/checklists/form-data';
import { isTarget, loadChecklist, submitSameAsLast } from '$lib/server/checklists/submissions.service';
import { copyOf } from '$lib/server/checklists/sync.service';
import { db } from '$lib/server/db';
import { refusedAnswers } from '$lib/server/forms/refused';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { point, frame } = await requireOwnChecklist(event);
	if (!(await isTarget(db(), frame.round.id, point.id))) notFound();
	const state = (await loadChecklist(db(), frame.round.id, point.id, frame))!;
	const { definition, submission } = state;
	// Nothing to take over, or nothing to change any more: the checklist says which.
	if (isLocked(submission?.status, state.round.status === 'open') || !state.previousRound)
		redirect(303, checklistPath(point.id, state.round.id));
	return {
		point: { id: point.id, name: point.name },
		round: {
			id: state.round.id,
			name: state.round.name,
			dueOn: state.round.due_on,
			periodStart: state.round.period_start,
			periodEnd: state.round.period_end
		},
		definition,
		/** What it submits, item by item. */
		same: sameAsLastPlan(definition, {
			previous: state.previous,
			register: state.register,
			saved: state.saved
		}),
		previous: state.previous,
		previousRound: state.previousRound,
		/** The server copy, as the phone's draft starts from it. */
		copy: copyOf(state),
		checklistHref: checklistPath(point.id, state.round.id),
		submission: submission && {
			status: submission.status,
			version: submission.version,
			reviewNote: submission.review_note
		},
		clientToken: randomUUID()
	};
};

export const actions: Actions = {
	/**
	 * The carrying answers, the register figures and what was typed here, submitted together. A
	 * refusal submits nothing and comes back to this screen with each problem on its item's key
	 * (400), or the whole form's (409 stale, locked, closed); it never looks submitted.
	 */
	default: async (event) => {
		const { user, frame, target } = await requireOwnChecklist(event);
		const form = await superValidate(event.request, zod4(sameAllSchema(frame.definition)), {
			id: 'sameAll'
		});
		if (!form.valid) return fail(400, { form });
		const asked = allItems(frame.definition).filter((i) => form.data.asked.includes(i.key));
		const { raw, notes } = answerFields(form.data, asked);
		try {
			await submitSameAsLast(db(), user.id, {
				...target,
				expectedVersion: expectedVersion(form.data.version),
				clientToken: clientToken(form.data.clientToken),
				typed: { keys: itemKeys(asked), raw, notes }
			});
		} catch (e) {
			return refusedAnswers(form, e);
		}
		redirect(303, `${checklistPath(target.pointId, target.roundId)}?section=review`);
	}
};
