import { requireRole } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import { countPoints, listPoints } from '$lib/server/points/points.repository';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 100;

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const p = event.url.searchParams;
	const q = p.get('q')?.trim().slice(0, 50) ?? '';
	const status = p.get('status') === 'inactive' ? 'inactive' : p.get('status') === 'all' ? 'all' : 'active';
	const pageNo = Math.max(1, Number(p.get('page')) || 1);
	const [points, counts] = await Promise.all([
		listPoints(db(), {
			q,
			active: status === 'all' ? undefined : status === 'active',
			limit: PAGE_SIZE + 1,
			offset: (pageNo - 1) * PAGE_SIZE
		}),
		countPoints(db())
	]);
	return {
		points: points.slice(0, PAGE_SIZE),
		hasMore: points.length > PAGE_SIZE,
		pageNo,
		q,
		status,
		counts
	};
};
