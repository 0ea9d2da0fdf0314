import { fail, redirect } from '@sveltejs/kit';
import { message, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { landingPath } from '$lib/domain/roles';
import { signInSchema } from '$lib/forms/schemas';
import { lucia } from '$lib/server/auth/session';
import { signIn } from '$lib/server/auth/sign-in.service';
import { db } from '$lib/server/db';
import { safeRedirect } from '$lib/server/http';
import { isRefusal } from '$lib/server/refusal';
import { refusalMessage } from '$lib/text/refusals';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	if (locals.user) redirect(303, landingPath(locals.user));
	return { form: await superValidate(zod4(signInSchema())) };
};

export const actions: Actions = {
	default: async (event) => {
		const form = await superValidate(event.request, zod4(signInSchema()));
		const password = form.data.password;
		// The password never travels back to the browser.
		form.data.password = '';
		if (!form.valid) return fail(400, { form });

		let userId: number;
		try {
			userId = await signIn(db(), {
				username: form.data.username,
				password,
				ip: event.getClientAddress()
			});
		} catch (e) {
			// A refused sign-in is the form's notice above the fields (400, or 429 while locked).
			if (!isRefusal(e)) throw e;
			return message(form, refusalMessage(e.problems[e.field]!), { status: e.status });
		}
		const session = await lucia.createSession(userId, {});
		const cookie = lucia.createSessionCookie(session.id);
		event.cookies.set(cookie.name, cookie.value, { path: '/', ...cookie.attributes });
		redirect(303, safeRedirect(event.url.searchParams.get('redirectTo')));
	}
};
