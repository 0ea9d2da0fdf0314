import { redirect } from '@sveltejs/kit';
import { landingPath } from '$lib/domain/roles';
import { requireUser } from '$lib/server/auth/access';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	const user = requireUser(event);
	redirect(303, landingPath(user));
};
