import { requireRole } from '$lib/server/auth/access';
import { listTemplates } from '$lib/server/checklists/templates.service';
import { db } from '$lib/server/db';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin', 'analyst');
	const templates = await listTemplates(db());
	return {
		templates: templates.map((t) => ({
			id: t.id,
			name: t.name,
			versions: t.versions.map((v) => ({
				id: v.id,
				version: v.version,
				status: v.status,
				publishedAt: v.publishedAt,
				items: v.definition.sections.reduce((n, s) => n + s.items.length, 0)
			}))
		}))
	};
};
