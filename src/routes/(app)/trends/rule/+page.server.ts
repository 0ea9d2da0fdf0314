import { requireUser } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import { getTrendRule, pendingRebuild } from '$lib/server/trends/indicators.service';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const [rule, pending] = await Promise.all([getTrendRule(db()), pendingRebuild(db())]);
	return {
		rule,
		/** A new rule being applied: everyone still reads the old figures until it is done. */
		pending: pending && { rule: pending.rule, progress: pending.progress },
		canEdit: user.role === 'admin'
	};
};
