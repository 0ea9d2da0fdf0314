import { lineageOf, VILLAGE_LEVEL } from '$lib/domain/regions';
import { canSeeRegion, notFound, requireRegion } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import { countPoints, findPointByRegion, listPoints } from '$lib/server/points/points.repository';
import { findRegion, findRegions, listChildren } from '$lib/server/regions/regions.repository';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 50;

export const load: PageServerLoad = async (event) => {
	const code = event.params.code;
	const user = requireRegion(event, code);
	const region = await findRegion(db(), code);
	if (!region) notFound();

	const q = event.url.searchParams.get('q')?.trim().slice(0, 50) ?? '';
	const pageNo = Math.max(1, Number(event.url.searchParams.get('page')) || 1);
	const [lineage, children, counts, points, ownPoint] = await Promise.all([
		findRegions(db(), lineageOf(code)),
		region.level < VILLAGE_LEVEL ? listChildren(db(), code) : Promise.resolve([]),
		countPoints(db(), code),
		listPoints(db(), { within: code, q, limit: PAGE_SIZE + 1, offset: (pageNo - 1) * PAGE_SIZE }),
		region.level === VILLAGE_LEVEL ? findPointByRegion(db(), code) : Promise.resolve(undefined)
	]);
	return {
		region,
		// Ancestors above the user's own region are named but not linked: their pages answer 404.
		breadcrumbs: lineage.map((r) => ({ code: r.code, name: r.name, linked: canSeeRegion(user, r.code) })),
		children: children.map((c) => ({
			code: c.code,
			name: c.name,
			level: c.level,
			points: Number(c.points),
			activePoints: Number(c.activePoints)
		})),
		counts,
		points: points.slice(0, PAGE_SIZE),
		hasMore: points.length > PAGE_SIZE,
		pageNo,
		q,
		ownPointId: ownPoint?.id ?? null
	};
};
