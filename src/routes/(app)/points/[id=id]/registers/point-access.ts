import type { RequestEvent } from '@sveltejs/kit';
import { lineageOf } from '$lib/domain/regions';
import type { PublicUser } from '$lib/domain/roles';
import { canEditPointRecords, canSeeRegion, notFound, requirePoint } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import { findPointView, type PointView } from '$lib/server/points/points.repository';
import { findRegions } from '$lib/server/regions/regions.repository';

type Event = Pick<RequestEvent, 'url' | 'params'> & { locals: { user: PublicUser | null } };

/** The point of the URL if the user may read it, else 404 (as for a point that does not exist). */
export async function readablePoint(
	event: Event
): Promise<{ user: PublicUser; point: PointView; canEdit: boolean }> {
	const found = await findPointView(db(), Number(event.params.id));
	const { user } = requirePoint(event, found);
	const point = found!;
	return { user, point, canEdit: canEditPointRecords(user, { id: point.id, regionCode: point.regionCode }) };
}

/** Only the point's own staff keep its registers; anyone else gets the same 404. */
export async function editablePoint(event: Event): Promise<{ user: PublicUser; point: PointView }> {
	const { user, point, canEdit } = await readablePoint(event);
	if (!canEdit) notFound();
	return { user, point };
}

export async function pointBreadcrumbs(user: PublicUser, point: PointView) {
	const lineage = await findRegions(db(), lineageOf(point.regionCode).slice(0, -1));
	return lineage.map((r) => ({ code: r.code, name: r.name, linked: canSeeRegion(user, r.code) }));
}
