import { readerScope, requireRole } from '$lib/server/auth/access';
import { listRoundsFor } from '$lib/server/checklists/rounds.service';
import { ratesByRound } from '$lib/server/checklists/reporting.queries';
import { db } from '$lib/server/db';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireRole(event, 'admin', 'analyst', 'reviewer');
	const scope = readerScope(user);
	const rounds = await listRoundsFor(db(), scope);
	const rates = await ratesByRound(
		db(),
		rounds.filter((r) => r.status !== 'draft').map((r) => r.id),
		scope
	);
	const withRates = rounds.map((r) => ({
		id: r.id,
		name: r.name,
		status: r.status,
		periodStart: r.period_start,
		periodEnd: r.period_end,
		dueOn: r.due_on,
		rate: rates.get(r.id) ?? null
	}));
	return { rounds: withRates, canCreate: user.role === 'admin' || user.role === 'analyst' };
};
