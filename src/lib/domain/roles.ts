export const roles = ['admin', 'analyst', 'reviewer', 'staff'] as const;
export type Role = (typeof roles)[number];

/** What the client may know about the signed-in user; never the session or the hash. */
export interface PublicUser {
	id: number;
	username: string;
	name: string;
	role: Role;
	/** Region code for analysts and reviewers. */
	regionCode: string | null;
	/** The one point of a staff member. */
	pointId: number | null;
	mustChangePassword: boolean;
}

export function landingPath(user: Pick<PublicUser, 'role' | 'regionCode' | 'pointId'>): string {
	switch (user.role) {
		case 'admin':
			return '/admin';
		case 'staff':
			return user.pointId != null ? `/points/${user.pointId}` : '/';
		case 'analyst':
			// What the reform office opens the product for: are the reductions holding?
			return user.regionCode ? `/trends/${user.regionCode}` : '/';
		default:
			return user.regionCode ? `/regions/${user.regionCode}` : '/';
	}
}
