import { redirect } from '@sveltejs/kit';
import { superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { languageSchema } from '$lib/forms/schemas';
import { cookieName, isLocale } from '$lib/paraglide/runtime';
import { safeRedirect } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async ({ request, cookies }) => {
		const form = await superValidate(request, zod4(languageSchema()));
		const { locale, redirectTo } = form.data;
		if (isLocale(locale)) {
			// Read by Paraglide in the browser too, so not httpOnly.
			cookies.set(cookieName, locale, {
				path: '/',
				maxAge: 60 * 60 * 24 * 365,
				httpOnly: false,
				sameSite: 'lax'
			});
		}
		// Nothing to refuse: whatever was posted, the user goes back where they were.
		redirect(303, safeRedirect(redirectTo));
	}
};
