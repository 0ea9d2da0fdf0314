import { readerScope, requireRole } from '$lib/server/auth/access';
import { listRoundsFor } from '$lib/server/checklists/rounds.service';
import { listTargets, rateOf } from '$lib/server/checklists/reporting.queries';
import { db } from '$lib/server/db';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireRole(event, 'admin', 'analyst', 'reviewer');
	const scope = readerScope(user);
	const rounds = await listRoundsFor(db(), scope);
	const withRates = await Promise.all(
		rounds.map(async (r) => ({
			id: r.id,
			name: r.name,
			status: r.status,
			periodStart: r.period_start,
			periodEnd: r.period_end,
			dueOn: r.due_on,
			rate: r.status === 'draft' ? null : rateOf(await listTargets(db(), r.id, scope))
		}))
	);
	return { rounds: withRates, canCreate: user.role === 'admin' || user.role === 'analyst' };
};
