import { fail, redirect } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { superValidate, type SuperValidated } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { allItems, completeSections, nextAskable, toFormValue, type Answers } from '$lib/domain/checklist';
import { isLocked } from '$lib/domain/submission-state';
import {
	checklistSectionSchema,
	sameSectionSchema,
	submitSchema,
	withdrawSchema
} from '$lib/forms/checklist';
import { notFound } from '$lib/server/auth/access';
import { requireOwnChecklist, samePath } from '$lib/server/checklists/checklist-access';
import {
	answerFields,
	clientToken,
	expectedVersion,
	itemKeys,
	sectionAt
} from '$lib/server/checklists/form-data';
import {
	isTarget,
	loadChecklist,
	saveAnswers,
	saveSameAsLast,
	submit,
	withdrawSubmission
} from '$lib/server/checklists/submissions.service';
import { db } from '$lib/server/db';
import { refusedAnswers, refusedForm } from '$lib/server/forms/refused';
import { Refusal } from '$lib/server/refusal';
import type { Actions, PageServerLoad } from './$types';

/** The step asked for: a section or the review. */
function sectionParam(url: URL, count: number, first: number | 'review'): number | 'review' {
	const s = url.searchParams.get('section');
	if (s === 'review') return 'review';
	if (s === null) return first;
	const n = Number(s);
	return Number.isInteger(n) && n >= 0 && n < count ? n : first;
}

export const load: PageServerLoad = async (event) => {
	const { point, frame } = await requireOwnChecklist(event);
	// "Same as last round" has its own page now; a link or a kept page from before goes there.
	if (event.url.searchParams.get('section') === 'same') redirect(303, samePath(point.id, frame.round.id));
	if (!(await isTarget(db(), frame.round.id, point.id))) notFound();
	const state = (await loadChecklist(db(), frame.round.id, point.id, frame))!;
	const { definition, submission } = state;
	const locked = isLocked(submission?.status, state.round.status === 'open');
	return {
		point: { id: point.id, name: point.name },
		round: {
			id: state.round.id,
			name: state.round.name,
			dueOn: state.round.due_on,
			periodStart: state.round.period_start,
			periodEnd: state.round.period_end,
			status: state.round.status
		},
		definition,
		templateVersion: state.templateVersion,
		section: locked
			? 'review'
			: sectionParam(
					event.url,
					definition.sections.length,
					// Register-only sections cost no tap: a checklist opens on the first that asks something.
					nextAskable(definition, -1, state.answers)
				),
		values: Object.fromEntries(allItems(definition).map((i) => [i.key, toFormValue(state.answers[i.key])])),
		/** `{ ...carried, ...savedAnswers, ...register }`: what the form shows and submit sends. */
		answers: state.answers,
		savedAnswers: state.saved,
		/** Last round's answers to the items that carry over (the others are asked afresh). */
		carried: state.carried,
		/** The register figures while the submission can change. */
		register: state.register,
		/**
		 * By section index: complete counting what is saved, what is carried and the register
		 * figures (a register-only section is complete untouched). Recompute on the phone with
		 * `completeSections(definition, savedAnswers, carried, register)` as answers change.
		 */
		complete: completeSections(definition, state.saved, state.carried, state.register),
		notes: state.notes,
		previous: state.previous,
		previousRound: state.previousRound,
		registerKeys: state.registerKeys,
		prefilled: !!state.previousRound && !locked && Object.keys(state.carried).length > 0,
		/** "Same as last round", a page of its own, where it is offered. */
		sameHref: !locked && state.previousRound ? samePath(point.id, state.round.id) : null,
		/** A submit no reviewer has acted on, in an open round: it can be taken back (`WithdrawForm`). */
		canWithdraw: submission?.status === 'submitted' && state.round.status === 'open',
		/** Just withdrawn (the redirect after ?/withdraw says so). */
		withdrawn: event.url.searchParams.has('withdrawn'),
		submission: submission && {
			id: submission.id,
			status: submission.status,
			version: submission.version,
			late: submission.late === 1,
			reviewNote: submission.review_note,
			submittedAt: submission.submitted_at
		},
		locked,
		// A fresh token per page view: a retried or double-tapped submit carries the same one.
		clientToken: randomUUID()
	};
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyForm = SuperValidated<Record<string, any>, any>;

const badSection = (form: AnyForm) =>
	refusedForm(form, new Refusal({ '': { code: 'checklist_bad_section' } }));

const nextHref = (goto: string) => `?section=${goto === 'review' || /^\d+$/.test(goto) ? goto : '0'}`;

export const actions: Actions = {
	/** Saves the section on screen and moves to the one asked for. */
	save: async (event) => {
		const { user, frame, target } = await requireOwnChecklist(event);
		const form = await superValidate(event.request, zod4(checklistSectionSchema(frame.definition)), {
			id: 'section'
		});
		if (!form.valid) return fail(400, { form });
		const at = sectionAt(frame.definition, form.data.section);
		if (!at) return badSection(form);
		const { raw, notes } = answerFields(form.data, at.section.items);
		try {
			await saveAnswers(db(), user.id, {
				...target,
				expectedVersion: expectedVersion(form.data.version),
				itemKeys: itemKeys(at.section.items),
				raw,
				notes
			});
		} catch (e) {
			return refusedAnswers(form, e);
		}
		redirect(303, nextHref(form.data.goto ?? String(nextAskable(frame.definition, at.index))));
	},

	/** Takes the last accepted answers for one section and moves on. */
	sameSection: async (event) => {
		const { user, frame, target } = await requireOwnChecklist(event);
		const form = await superValidate(event.request, zod4(sameSectionSchema()), { id: 'sameSection' });
		if (!form.valid) return fail(400, { form });
		const at = sectionAt(frame.definition, form.data.section);
		if (!at) return badSection(form);
		try {
			await saveSameAsLast(db(), user.id, {
				...target,
				expectedVersion: expectedVersion(form.data.version),
				itemKeys: itemKeys(at.section.items)
			});
		} catch (e) {
			return refusedAnswers(form, e);
		}
		redirect(303, nextHref(String(nextAskable(frame.definition, at.index))));
	},

	/** Takes a submitted checklist back to change it, until a reviewer acts. */
	withdraw: async (event) => {
		const { user, target } = await requireOwnChecklist(event);
		const form = await superValidate(event.request, zod4(withdrawSchema()), { id: 'withdraw' });
		if (!form.valid) return fail(400, { form });
		try {
			await withdrawSubmission(db(), user.id, {
				roundId: target.roundId,
				pointId: target.pointId,
				expectedVersion: expectedVersion(form.data.version)
			});
		} catch (e) {
			return refusedForm(form, e);
		}
		redirect(303, '?section=review&withdrawn=1');
	},

	submit: async (event) => {
		const { user, target } = await requireOwnChecklist(event);
		const form = await superValidate(event.request, zod4(submitSchema()), { id: 'submit' });
		if (!form.valid) return fail(400, { form });
		try {
			await submit(db(), user.id, {
				...target,
				expectedVersion: expectedVersion(form.data.version),
				clientToken: clientToken(form.data.clientToken)
			});
		} catch (e) {
			// Each item's sentence on its key; the page lists them by section.
			return refusedForm(form, e);
		}
		redirect(303, '?section=review');
	}
};

export type { Answers };
