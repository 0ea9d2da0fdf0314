import { redirect } from '@sveltejs/kit';
import { requireUser } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import { listChildren } from '$lib/server/regions/regions.repository';
import type { PageServerLoad } from './$types';

// Each reader starts at their own scope; an administrator, who has none, at the top region.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const query = event.url.search;
	if (user.role === 'staff') {
		if (user.pointId != null) redirect(303, `/trends/points/${user.pointId}${query}`);
	} else if (user.role !== 'admin') {
		if (user.regionCode) redirect(303, `/trends/${user.regionCode}${query}`);
	} else {
		const [top] = await listChildren(db(), null);
		if (top) redirect(303, `/trends/${top.code}${query}`);
	}
	return {};
};
