import { redirect } from '@sveltejs/kit';
import { VILLAGE_LEVEL } from '$lib/domain/regions';
import { notFound, requireRegion } from '$lib/server/auth/access';
import { findPointByRegion } from '$lib/server/points/points.repository';
import { db } from '$lib/server/db';
import { findRegion } from '$lib/server/regions/regions.repository';
import { loadDashboard } from '$lib/server/trends/dashboard';
import { dashboardParams } from '$lib/domain/dashboard-query';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
	const code = event.params.code;
	const user = requireRegion(event, code);
	const region = await findRegion(db(), code);
	if (!region) notFound();
	// A village-level code is a point's page, or nothing to show.
	if (region.level >= VILLAGE_LEVEL) {
		const point = await findPointByRegion(db(), code);
		if (!point) notFound();
		redirect(303, `/trends/points/${point.id}${event.url.search}`);
	}
	return {
		dashboard: await loadDashboard(db(), user, { kind: 'region', code }, dashboardParams(event.url))
	};
}) satisfies PageServerLoad;
