import { lineageOf } from '$lib/domain/regions';
import { canEditPointRecords, canReviewPoint, canSeeRegion, requirePoint } from '$lib/server/auth/access';
import { listPointRounds } from '$lib/server/checklists/point-history.queries';
import { listOpenRoundsForPoint } from '$lib/server/checklists/rounds.service';
import { db } from '$lib/server/db';
import { findPointView } from '$lib/server/points/points.repository';
import { findRegions } from '$lib/server/regions/regions.repository';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const found = await findPointView(db(), Number(event.params.id));
	const { user } = requirePoint(event, found);
	const point = found!;
	const ref = { id: point.id, regionCode: point.regionCode };
	const [lineage, rounds, history] = await Promise.all([
		findRegions(db(), lineageOf(point.regionCode).slice(0, -1)),
		listOpenRoundsForPoint(db(), point.id),
		listPointRounds(db(), point.id)
	]);
	return {
		point,
		breadcrumbs: lineage.map((r) => ({ code: r.code, name: r.name, linked: canSeeRegion(user, r.code) })),
		rounds: rounds.map((r) => ({ ...r, late: r.late === 1 })),
		/** Every round that asked the point, open or closed, newest first. */
		history,
		can: { edit: canEditPointRecords(user, ref), review: canReviewPoint(user, ref) }
	};
};
