import { getLocale } from '$lib/paraglide/runtime';
import type { LayoutServerLoad } from './$types';

// Only the trimmed public user reaches the client, never the session.
export const load: LayoutServerLoad = ({ locals }) => ({
	user: locals.user,
	locale: getLocale()
});
