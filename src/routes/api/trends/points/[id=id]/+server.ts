import { json } from '@sveltejs/kit';
import { canSeePoint } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import { findPoint } from '$lib/server/points/points.repository';
import { loadDashboard } from '$lib/server/trends/dashboard';
import { dashboardParams } from '$lib/domain/dashboard-query';
import { fresh, notFoundJson, signedIn, withExplanations } from '../../../respond';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const user = signedIn(event);
	if (user instanceof Response) return user;
	const point = await findPoint(db(), Number(event.params.id));
	if (!point || !canSeePoint(user, { id: point.id, regionCode: point.region_code })) return notFoundJson();
	const data = await loadDashboard(
		db(),
		user,
		{ kind: 'point', pointId: point.id },
		dashboardParams(event.url)
	);
	return json(withExplanations(data), { headers: fresh });
};
