import { redirect } from '@sveltejs/kit';
import { lucia } from '$lib/server/auth/session';
import { signOut } from '$lib/server/auth/sign-in.service';
import { db } from '$lib/server/db';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async (event) => {
		const { session, user } = event.locals;
		if (session && user) {
			await signOut(db(), { sessionId: session.id, user, ip: event.getClientAddress() });
		}
		const cookie = lucia.createBlankSessionCookie();
		event.cookies.set(cookie.name, cookie.value, { path: '/', ...cookie.attributes });
		redirect(303, '/login');
	}
};
