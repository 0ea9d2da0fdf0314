// Turns a service's Refusal into the form's answer: each sentence next to its field, the status
// the refusal carries (a 404 becomes the not-found page). Anything that is not a Refusal is a
// fault and goes on to the error page, never into a field.
import { error, fail } from '@sveltejs/kit';
import { setError, type SuperValidated } from 'sveltekit-superforms';
import { m } from '$lib/paraglide/messages.js';
import { refusalMessage } from '$lib/text/refusals';
import { Refusal } from '../refusal';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyForm = SuperValidated<Record<string, any>, any>;

export function refusedForm<F extends AnyForm>(form: F, e: unknown) {
	if (!(e instanceof Refusal)) throw e;
	if (e.status === 404) error(404, m.error_not_found());
	for (const [field, problem] of Object.entries(e.problems)) {
		// '' is superforms' form-level error.
		setError(form, field as never, refusalMessage(problem), { status: e.status });
	}
	return fail(e.status, { form });
}

/** A refused checklist save: as `refusedForm`, plus the items whose far-off number asks for a reason. */
export function refusedAnswers(form: AnyForm, e: unknown) {
	const failure = refusedForm(form, e);
	const confirm = Object.entries((e as Refusal).problems)
		.filter(([, p]) => p.code === 'answer_needs_confirmation')
		.map(([key]) => key);
	return fail(failure.status, { ...failure.data, confirm });
}
