import { requireRole } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import {
	hasStarterEntries,
	listCertificateItems,
	listSignboardCategories
} from '$lib/server/registers/catalogues.service';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireRole(event, 'admin', 'analyst', 'reviewer');
	const [signboards, certificates, starter] = await Promise.all([
		listSignboardCategories(db(), { activeOnly: true }),
		listCertificateItems(db(), { activeOnly: true }),
		hasStarterEntries(db())
	]);
	return { signboards, certificates, starter, canEdit: user.role === 'admin' };
};
