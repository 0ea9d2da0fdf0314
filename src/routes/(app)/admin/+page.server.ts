import { requireRole } from '$lib/server/auth/access';
import { listAudit } from '$lib/server/audit/audit.repository';
import { db } from '$lib/server/db';
import { countPoints } from '$lib/server/points/points.repository';
import { countRegionsByLevel } from '$lib/server/regions/regions.repository';
import { countUsers } from '$lib/server/users/users.repository';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const [levels, points, users, recent] = await Promise.all([
		countRegionsByLevel(db()),
		countPoints(db()),
		countUsers(db()),
		listAudit(db(), { limit: 10 })
	]);
	return { levels, points, users, recent };
};
