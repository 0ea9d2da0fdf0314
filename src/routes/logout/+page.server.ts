import { redirect } from '@sveltejs/kit';
import { writeAudit } from '$lib/server/audit/audit.repository';
import { lucia } from '$lib/server/auth/session';
import { db } from '$lib/server/db';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async (event) => {
		const { session, user } = event.locals;
		if (session && user) {
			await lucia.invalidateSession(session.id);
			await writeAudit(db(), {
				userId: user.id,
				action: 'sign_out',
				entityType: 'sign_in',
				entityId: user.username,
				ip: event.getClientAddress()
			});
		}
		const cookie = lucia.createBlankSessionCookie();
		event.cookies.set(cookie.name, cookie.value, { path: '/', ...cookie.attributes });
		redirect(303, '/login');
	}
};
