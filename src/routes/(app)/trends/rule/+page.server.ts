import { requireUser } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import { getTrendRule } from '$lib/server/trends/indicators.service';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	return { rule: await getTrendRule(db()), canEdit: user.role === 'admin' };
};
