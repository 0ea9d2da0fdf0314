import { chinaDate } from '$lib/domain/periods';
import { db } from '$lib/server/db';
import { pointTimeline } from '$lib/server/registers/registers.queries';
import { pointBreadcrumbs, readablePoint } from '../point-access';
import type { PageServerLoad } from './$types';

// `satisfies` keeps the returned shape, so tests read typed data.
export const load = (async (event) => {
	const { user, point } = await readablePoint(event);
	const [breadcrumbs, entries] = await Promise.all([
		pointBreadcrumbs(user, point),
		pointTimeline(db(), point.id, chinaDate())
	]);
	return { point, breadcrumbs, entries: entries.map(({ order: _, ...e }) => e) };
}) satisfies PageServerLoad;
