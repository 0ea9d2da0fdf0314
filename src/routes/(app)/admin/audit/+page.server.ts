import { requireRole } from '$lib/server/auth/access';
import { listAudit } from '$lib/server/audit/audit.repository';
import { db } from '$lib/server/db';
import type { PageServerLoad } from './$types';

const PAGE = 100;

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const p = event.url.searchParams;
	const entityType = p.get('type')?.slice(0, 40) || undefined;
	const entityId = p.get('id')?.slice(0, 64) || undefined;
	const beforeId = Number(p.get('before')) || undefined;
	const rows = await listAudit(db(), { entityType, entityId, beforeId, limit: PAGE + 1 });
	return {
		rows: rows.slice(0, PAGE),
		next: rows.length > PAGE ? rows[PAGE - 1].id : null,
		entityType,
		entityId
	};
};
