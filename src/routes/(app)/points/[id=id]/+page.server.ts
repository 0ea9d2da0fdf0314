import { lineageOf } from '$lib/domain/regions';
import { canEditPointRecords, canReviewPoint, canSeeRegion, requirePoint } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import { findPointView } from '$lib/server/points/points.repository';
import { findRegions } from '$lib/server/regions/regions.repository';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const found = await findPointView(db(), Number(event.params.id));
	const { user } = requirePoint(event, found);
	const point = found!;
	const lineage = await findRegions(db(), lineageOf(point.regionCode).slice(0, -1));
	return {
		point,
		breadcrumbs: lineage.map((r) => ({ code: r.code, name: r.name, linked: canSeeRegion(user, r.code) })),
		can: {
			edit: canEditPointRecords(user, { id: point.id, regionCode: point.regionCode }),
			review: canReviewPoint(user, { id: point.id, regionCode: point.regionCode })
		}
	};
};
