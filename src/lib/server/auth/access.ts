// The one place that decides who may see or change what. Every load, action and endpoint asks here.
import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { isInSubtree } from '../../domain/regions';
import type { PublicUser, Role } from '../../domain/roles';

export type Viewer = Pick<PublicUser, 'id' | 'role' | 'regionCode' | 'pointId'>;
export interface PointRef {
	id: number;
	regionCode: string;
}

export function canSeeRegion(user: Viewer, regionCode: string): boolean {
	switch (user.role) {
		case 'admin':
			return true;
		case 'analyst':
		case 'reviewer':
			return user.regionCode != null && isInSubtree(regionCode, user.regionCode);
		case 'staff':
			return false;
	}
}

export function canSeePoint(user: Viewer, point: PointRef): boolean {
	if (user.role === 'staff') return user.pointId === point.id;
	return canSeeRegion(user, point.regionCode);
}

/** Reviewing (accept, return, reopen) is a reviewer's job within their subtree. */
export function canReviewPoint(user: Viewer, point: PointRef): boolean {
	return user.role === 'reviewer' && canSeeRegion(user, point.regionCode);
}

/** Keeping a point's own records is its staff member's job. */
export function canEditPointRecords(user: Viewer, point: PointRef): boolean {
	return user.role === 'staff' && user.pointId === point.id;
}

/** Creating, opening and closing rounds: admins anywhere, analysts for rounds inside their region. */
export function canManageRound(user: Viewer, targetRegionCode: string | null): boolean {
	if (user.role === 'admin') return true;
	return user.role === 'analyst' && targetRegionCode != null && canSeeRegion(user, targetRegionCode);
}

/** A round is visible to readers whose region overlaps its target. */
export function canSeeRound(user: Viewer, targetRegionCode: string | null): boolean {
	if (user.role === 'admin') return true;
	if (user.role === 'staff' || !user.regionCode) return false;
	return (
		targetRegionCode == null ||
		isInSubtree(user.regionCode, targetRegionCode) ||
		isInSubtree(targetRegionCode, user.regionCode)
	);
}

/**
 * The region prefix a reader's lists are limited to: null (everything) for admins only. A reader
 * without a region sees nothing rather than everything.
 */
export function readerScope(user: Viewer): string | null {
	if (user.role === 'admin') return null;
	if (!user.regionCode) notFound();
	return user.regionCode;
}

export function canAdminister(user: Viewer): boolean {
	return user.role === 'admin';
}

type Locals = { user: PublicUser | null };

/**
 * The signed-in user, or a redirect to sign-in. A user who must change their password is sent
 * there before anything else loads.
 */
export function requireUser(
	event: Pick<RequestEvent, 'url'> & { locals: Locals },
	options: { allowPendingPassword?: boolean } = {}
): PublicUser {
	const user = event.locals.user;
	if (!user) {
		const back = event.url.pathname + event.url.search;
		redirect(303, back === '/' ? '/login' : `/login?redirectTo=${encodeURIComponent(back)}`);
	}
	if (user.mustChangePassword && !options.allowPendingPassword) redirect(303, '/password');
	return user;
}

/** Outside the user's scope answers 404, so the page's existence does not leak. */
export function notFound(): never {
	error(404, 'Not found');
}

export function requireRole(
	event: Pick<RequestEvent, 'url'> & { locals: Locals },
	...allowed: Role[]
): PublicUser {
	const user = requireUser(event);
	if (!allowed.includes(user.role)) notFound();
	return user;
}

export function requireRegion(
	event: Pick<RequestEvent, 'url'> & { locals: Locals },
	regionCode: string
): PublicUser {
	const user = requireUser(event);
	if (!canSeeRegion(user, regionCode)) notFound();
	return user;
}

export function requirePoint(
	event: Pick<RequestEvent, 'url'> & { locals: Locals },
	point: PointRef | undefined
): { user: PublicUser; point: PointRef } {
	const user = requireUser(event);
	if (!point || !canSeePoint(user, point)) notFound();
	return { user, point };
}
