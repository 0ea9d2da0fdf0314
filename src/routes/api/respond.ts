// The JSON endpoints answer in JSON even when refusing: 401 for no session (a tool has no sign-in
// page to follow), 404 outside the reader's scope, exactly as the pages decide it.
import { json, type RequestEvent } from '@sveltejs/kit';
import { explainFlag } from '$lib/text/trends';
import { indicatorDef } from '$lib/domain/indicators';
import type { PublicUser } from '$lib/domain/roles';
import type { DashboardData } from '$lib/domain/trend-view';

export function signedIn(event: Pick<RequestEvent, 'locals'>): PublicUser | Response {
	const user = event.locals.user;
	if (!user) return json({ message: 'Sign in first' }, { status: 401 });
	if (user.mustChangePassword) return json({ message: 'Change your password first' }, { status: 403 });
	return user;
}

export const notFoundJson = () => json({ message: 'Not found' }, { status: 404 });

/** Trends change whenever a submission is accepted: no caching by browsers or proxies. */
export const fresh = { 'cache-control': 'private, no-store' };

/** The dashboard's data, each flag with the sentence the page shows for it (in the reader's language). */
export const withExplanations = (data: DashboardData) => ({
	...data,
	rebounds: {
		...data.rebounds,
		rows: data.rebounds.rows.map((r) => ({
			...r,
			flags: r.flags.map((f) => ({ ...f, explanation: explainFlag(f, indicatorDef(f.indicator)!) }))
		}))
	}
});
