import { redirect } from '@sveltejs/kit';
import { cookieName, isLocale } from '$lib/paraglide/runtime';
import { safeRedirect } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async ({ request, cookies }) => {
		const form = await request.formData();
		const locale = String(form.get('locale') ?? '');
		if (isLocale(locale)) {
			// Read by Paraglide in the browser too, so not httpOnly.
			cookies.set(cookieName, locale, {
				path: '/',
				maxAge: 60 * 60 * 24 * 365,
				httpOnly: false,
				sameSite: 'lax'
			});
		}
		redirect(303, safeRedirect(String(form.get('redirectTo') ?? '/')));
	}
};
