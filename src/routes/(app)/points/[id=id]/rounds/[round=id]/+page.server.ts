import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { superValidate, type SuperValidated } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { allItems, toFormValue, type Answers } from '$lib/domain/checklist';
import { isLocked } from '$lib/domain/submission-state';
import { checklistSectionSchema, sameSectionSchema, submitSchema } from '$lib/forms/checklist';
import { canEditPointRecords, notFound, requirePoint } from '$lib/server/auth/access';
import {
	answerFields,
	clientToken,
	expectedVersion,
	itemKeys,
	sectionAt
} from '$lib/server/checklists/form-data';
import {
	findChecklistFrame,
	isTarget,
	loadChecklist,
	saveAnswers,
	saveSameAsLast,
	submit,
	submitSameAsLast
} from '$lib/server/checklists/submissions.service';
import { db } from '$lib/server/db';
import { refusedForm } from '$lib/server/forms/refused';
import { findPointView } from '$lib/server/points/points.repository';
import { Refusal } from '$lib/server/refusal';
import type { Actions, PageServerLoad } from './$types';

/**
 * Only the point's own staff fill its checklist; anyone else gets the same 404 as a missing page.
 * Reads the round and its items once; whether the round asks the point, the page checks here and
 * each write checks in its own transaction.
 */
async function access(event: Pick<RequestEvent, 'url' | 'locals' | 'params'>) {
	const params = event.params as { id: string; round: string };
	const point = await findPointView(db(), Number(params.id));
	const { user } = requirePoint(event, point);
	if (!canEditPointRecords(user, { id: point!.id, regionCode: point!.regionCode })) notFound();
	const frame = await findChecklistFrame(db(), Number(params.round));
	if (!frame || frame.round.status === 'draft') notFound();
	const target = { roundId: frame.round.id, pointId: point!.id, definition: frame.definition };
	return { user, point: point!, frame, target };
}

function sectionParam(url: URL, count: number): number | 'review' {
	const s = url.searchParams.get('section');
	if (s === 'review') return 'review';
	const n = Number(s);
	return Number.isInteger(n) && n >= 0 && n < count ? n : 0;
}

export const load: PageServerLoad = async (event) => {
	const { point, frame } = await access(event);
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
		section: locked ? 'review' : sectionParam(event.url, definition.sections.length),
		values: Object.fromEntries(allItems(definition).map((i) => [i.key, toFormValue(state.answers[i.key])])),
		answers: state.answers,
		// Progress counts what is saved, not what was prefilled.
		savedAnswers: state.saved,
		notes: state.notes,
		previous: state.previous,
		previousRound: state.previousRound,
		registerKeys: state.registerKeys,
		prefilled: !!state.previousRound && !locked,
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
		redirect(303, nextHref(form.data.goto ?? (at.last ? 'review' : String(at.index + 1))));
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
		redirect(303, nextHref(at.last ? 'review' : String(at.index + 1)));
	},

	/** Nothing changed: the last accepted answers, submitted in one step. */
	sameAll: async (event) => {
		const { user, target } = await access(event);
		const form = await superValidate(event.request, zod4(submitSchema()), { id: 'sameAll' });
		if (!form.valid) return fail(400, { form });
		try {
			// Answers that cannot be submitted as they are stay saved; the review step shows them.
			await submitSameAsLast(db(), user.id, {
				...target,
				expectedVersion: expectedVersion(form.data.version),
				clientToken: clientToken(form.data.clientToken)
			});
		} catch (e) {
			return refusedAnswers(form, e);
		}
		redirect(303, '?section=review');
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
