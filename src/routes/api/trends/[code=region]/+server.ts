import { json } from '@sveltejs/kit';
import { VILLAGE_LEVEL } from '$lib/domain/regions';
import { canSeeRegion } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import { findRegion } from '$lib/server/regions/regions.repository';
import { loadDashboard } from '$lib/server/trends/dashboard';
import { dashboardParams } from '$lib/domain/dashboard-query';
import { fresh, notFoundJson, signedIn, withExplanations } from '../../respond';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const user = signedIn(event);
	if (user instanceof Response) return user;
	const code = event.params.code;
	const region = canSeeRegion(user, code) ? await findRegion(db(), code) : undefined;
	// Village-level figures are a point's: /api/trends/points/{id}.
	if (!region || region.level >= VILLAGE_LEVEL) return notFoundJson();
	const data = await loadDashboard(db(), user, { kind: 'region', code }, dashboardParams(event.url));
	return json(withExplanations(data), { headers: fresh });
};
