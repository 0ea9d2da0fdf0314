import { requirePoint } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import { findPoint } from '$lib/server/points/points.repository';
import { loadDashboard } from '$lib/server/trends/dashboard';
import { dashboardParams } from '$lib/domain/dashboard-query';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
	const found = await findPoint(db(), Number(event.params.id));
	const { user, point } = requirePoint(event, found && { id: found.id, regionCode: found.region_code });
	return {
		dashboard: await loadDashboard(
			db(),
			user,
			{ kind: 'point', pointId: point.id },
			dashboardParams(event.url)
		)
	};
}) satisfies PageServerLoad;
