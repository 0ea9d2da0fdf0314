import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { problemMessage } from '$lib/text/checklist';
import { allItems, toFormValue, type Answers, type FieldProblem } from '$lib/domain/checklist';
import { m } from '$lib/paraglide/messages.js';
import { canEditPointRecords, notFound, requirePoint } from '$lib/server/auth/access';
import { readAnswerFields, readClientToken, readExpectedVersion } from '$lib/server/checklists/form-data';
import {
	findSubmission,
	isTarget,
	loadChecklist,
	saveAnswers,
	submit
} from '$lib/server/checklists/submissions.service';
import { db } from '$lib/server/db';
import { findPointView } from '$lib/server/points/points.repository';
import type { Actions, PageServerLoad } from './$types';

/** Only the point's own staff fill its checklist; anyone else gets the same 404 as a missing page. */
async function access(event: Pick<RequestEvent, 'url' | 'locals' | 'params'>) {
	const params = event.params as { id: string; round: string };
	const point = await findPointView(db(), Number(params.id));
	const { user } = requirePoint(event, point);
	if (!canEditPointRecords(user, { id: point!.id, regionCode: point!.regionCode })) notFound();
	const roundId = Number(params.round);
	if (!(await isTarget(db(), roundId, point!.id))) notFound();
	const state = await loadChecklist(db(), roundId, point!.id);
	if (!state || state.round.status === 'draft') notFound();
	return { user, point: point!, roundId, state };
}

function sectionParam(url: URL, count: number): number | 'review' {
	const s = url.searchParams.get('section');
	if (s === 'review') return 'review';
	const n = Number(s);
	return Number.isInteger(n) && n >= 0 && n < count ? n : 0;
}

const messages = (problems: Record<string, FieldProblem>) =>
	Object.fromEntries(Object.entries(problems).map(([k, p]) => [k, problemMessage(p)]));

export const load: PageServerLoad = async (event) => {
	const { point, state } = await access(event);
	const { definition, submission } = state;
	const locked =
		submission?.status === 'submitted' || submission?.status === 'accepted' || state.round.status !== 'open';
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

type Refusal =
	| { ok: false; reason: 'problems'; problems: Record<string, FieldProblem> }
	| { ok: false; reason: 'stale' | 'locked' | 'closed' | 'not_target' | 'empty' };

function failFor(outcome: Refusal, extra: Record<string, unknown> = {}) {
	switch (outcome.reason) {
		case 'problems':
			return fail(400, {
				problems: messages(outcome.problems),
				confirm: Object.keys(outcome.problems).filter(
					(k) => outcome.problems[k].code === 'needs_confirmation'
				),
				...extra
			});
		case 'stale':
			return fail(409, { error: m.checklist_stale() });
		case 'locked':
			return fail(409, { error: m.checklist_locked() });
		case 'closed':
			return fail(409, { error: m.checklist_round_closed() });
		case 'empty':
			return fail(400, { error: m.checklist_empty() });
		case 'not_target':
			return notFound();
	}
}

const nextHref = (goto: string) => `?section=${goto === 'review' || /^\d+$/.test(goto) ? goto : '0'}`;

export const actions: Actions = {
	/** Saves the section on screen and moves to the one asked for. */
	save: async (event) => {
		const { user, point, roundId, state } = await access(event);
		const form = await event.request.formData();
		const index = Number(form.get('section'));
		const section = state.definition.sections[index];
		if (!section) return fail(400, { error: m.checklist_bad_section() });
		const { raw, notes } = readAnswerFields(form, section.items);
		const outcome = await saveAnswers(db(), user.id, {
			roundId,
			pointId: point.id,
			expectedVersion: readExpectedVersion(form),
			itemKeys: section.items.map((i) => i.key),
			raw,
			notes
		});
		if (!outcome.ok) return failFor(outcome, { values: raw, notes, section: index });
		const fallback = index + 1 < state.definition.sections.length ? String(index + 1) : 'review';
		redirect(303, nextHref(String(form.get('goto') ?? fallback)));
	},

	/** Takes the last accepted answers for one section and moves on. */
	sameSection: async (event) => {
		const { user, point, roundId, state } = await access(event);
		const form = await event.request.formData();
		const index = Number(form.get('section'));
		const section = state.definition.sections[index];
		if (!section) return fail(400, { error: m.checklist_bad_section() });
		const raw = Object.fromEntries(section.items.map((i) => [i.key, toFormValue(state.previous[i.key])]));
		const outcome = await saveAnswers(db(), user.id, {
			roundId,
			pointId: point.id,
			expectedVersion: readExpectedVersion(form),
			itemKeys: section.items.map((i) => i.key),
			raw,
			notes: {}
		});
		if (!outcome.ok) return failFor(outcome, { section: index });
		redirect(303, nextHref(index + 1 < state.definition.sections.length ? String(index + 1) : 'review'));
	},

	/** Nothing changed: the last accepted answers, submitted in one step. */
	sameAll: async (event) => {
		const { user, point, roundId, state } = await access(event);
		const form = await event.request.formData();
		const raw = Object.fromEntries(
			allItems(state.definition).map((i) => [i.key, toFormValue(state.previous[i.key])])
		);
		const saved = await saveAnswers(db(), user.id, {
			roundId,
			pointId: point.id,
			expectedVersion: readExpectedVersion(form),
			raw,
			notes: {}
		});
		if (!saved.ok) {
			// A double tap or a retry finds the first one already submitted: done, as submit answers it.
			const now = await findSubmission(db(), roundId, point.id);
			if (now?.status === 'submitted' || now?.status === 'accepted') redirect(303, '?section=review');
			return failFor(saved);
		}
		const outcome = await submit(db(), user.id, {
			roundId,
			pointId: point.id,
			expectedVersion: saved.version,
			clientToken: readClientToken(form)
		});
		if (!outcome.ok) {
			if (outcome.reason === 'problems') redirect(303, '?section=review');
			return failFor(outcome);
		}
		redirect(303, '?section=review');
	},

	submit: async (event) => {
		const { user, point, roundId, state } = await access(event);
		const form = await event.request.formData();
		const outcome = await submit(db(), user.id, {
			roundId,
			pointId: point.id,
			expectedVersion: readExpectedVersion(form),
			clientToken: readClientToken(form)
		});
		if (outcome.ok) redirect(303, '?section=review');
		if (outcome.reason === 'problems') {
			const texts = messages(outcome.problems);
			const list = state.definition.sections.flatMap((s, si) =>
				s.items
					.filter((i) => texts[i.key])
					.map((i) => ({
						section: si,
						sectionTitle: s.title,
						key: i.key,
						label: i.label,
						message: texts[i.key]
					}))
			);
			return fail(400, { submitProblems: list });
		}
		return failFor(outcome);
	}
};

export type { Answers };
