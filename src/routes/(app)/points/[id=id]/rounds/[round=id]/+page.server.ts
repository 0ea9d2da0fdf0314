import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { superValidate, type SuperValidated } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import {
	allItems,
	completeSections,
	nextAskable,
	sameAsLastPlan,
	toFormValue,
	type Answers
} from '$lib/domain/checklist';
import { isLocked } from '$lib/domain/submission-state';
import {
	checklistSectionSchema,
	sameAllSchema,
	sameSectionSchema,
	submitSchema,
	withdrawSchema
} from '$lib/forms/checklist';
import { notFound, requireUser } from '$lib/server/auth/access';
import { findOwnChecklist } from '$lib/server/checklists/checklist-access';
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
	submitSameAsLast,
	withdrawSubmission
} from '$lib/server/checklists/submissions.service';
import { db } from '$lib/server/db';
import { refusedForm } from '$lib/server/forms/refused';
import { Refusal } from '$lib/server/refusal';
import type { Actions, PageServerLoad } from './$types';

/** The checklist, when it is the user's own to fill; anyone else gets the same 404 as a missing page. */
async function access(event: Pick<RequestEvent, 'url' | 'locals' | 'params'>) {
	const params = event.params as { id: string; round: string };
	const user = requireUser(event);
	const found = await findOwnChecklist(db(), user, Number(params.id), Number(params.round));
	if (!found) notFound();
	return { user, ...found };
}

/** The step asked for: a section, the review, or "same as last round" (`same`) where it is offered. */
function sectionParam(
	url: URL,
	count: number,
	sameOffered: boolean,
	first: number | 'review'
): number | 'review' | 'same' {
	const s = url.searchParams.get('section');
	if (s === 'review') return 'review';
	if (s === 'same') return sameOffered ? 'same' : first;
	if (s === null) return first;
	const n = Number(s);
	return Number.isInteger(n) && n >= 0 && n < count ? n : first;
}

export const load: PageServerLoad = async (event) => {
	const { point, frame } = await access(event);
	if (!(await isTarget(db(), frame.round.id, point.id))) notFound();
	const state = (await loadChecklist(db(), frame.round.id, point.id, frame))!;
	const { definition, submission } = state;
	const locked = isLocked(submission?.status, state.round.status === 'open');
	const sameOffered = !locked && !!state.previousRound;
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
					sameOffered,
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
		/** What "same as last round" would submit, item by item (for `SameAllStep`); null where not offered. */
		same: sameOffered
			? sameAsLastPlan(definition, {
					previous: state.previous,
					register: state.register,
					saved: state.saved
				})
			: null,
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

/** A refused save: each answer's sentence on its item, and the items that ask for a reason. */
function refusedAnswers(form: AnyForm, e: unknown) {
	const failure = refusedForm(form, e);
	const confirm = Object.entries((e as Refusal).problems)
		.filter(([, p]) => p.code === 'answer_needs_confirmation')
		.map(([key]) => key);
	return fail(failure.status, { ...failure.data, confirm });
}

const badSection = (form: AnyForm) =>
	refusedForm(form, new Refusal({ '': { code: 'checklist_bad_section' } }));

const nextHref = (goto: string) => `?section=${goto === 'review' || /^\d+$/.test(goto) ? goto : '0'}`;

export const actions: Actions = {
	/** Saves the section on screen and moves to the one asked for. */
	save: async (event) => {
		const { user, frame, target } = await access(event);
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
		const { user, frame, target } = await access(event);
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

	/**
	 * "Same as last round", confirmed on its one screen: the carrying answers, the register figures
	 * and what was typed there, submitted together. A refusal submits nothing and comes back with
	 * each problem on its item's key (400), or the whole form's (409 stale, locked, closed), so the
	 * same screen shows what to answer; it never lands on the review step as if submitted.
	 */
	sameAll: async (event) => {
		const { user, frame, target } = await access(event);
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
		redirect(303, '?section=review');
	},

	/** Takes a submitted checklist back to change it, until a reviewer acts. */
	withdraw: async (event) => {
		const { user, target } = await access(event);
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
		const { user, target } = await access(event);
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
