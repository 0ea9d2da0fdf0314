import { notFound, requireRegion } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import { findRegion } from '$lib/server/regions/regions.repository';
import { loadDashboard } from '$lib/server/trends/dashboard';
import { dashboardParams } from '$lib/components/trends/query';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
	const code = event.params.code;
	const user = requireRegion(event, code);
	if (!(await findRegion(db(), code))) notFound();
	return {
		dashboard: await loadDashboard(db(), user, { kind: 'region', code }, dashboardParams(event.url))
	};
}) satisfies PageServerLoad;
