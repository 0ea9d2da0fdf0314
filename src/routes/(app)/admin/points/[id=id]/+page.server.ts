import { fail } from '@sveltejs/kit';
import { message, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { lineageOf } from '$lib/domain/regions';
import { pointSchema } from '$lib/forms/schemas';
import { m } from '$lib/paraglide/messages.js';
import { notFound, requireRole } from '$lib/server/auth/access';
import { listAudit } from '$lib/server/audit/audit.repository';
import { db } from '$lib/server/db';
import { refusedForm } from '$lib/server/forms/refused';
import { findPointView } from '$lib/server/points/points.repository';
import { setPointActive, updatePointDetails } from '$lib/server/points/points.service';
import { findRegions } from '$lib/server/regions/regions.repository';
import { listPointStaff } from '$lib/server/users/users.repository';
import type { Actions, PageServerLoad } from './$types';

async function loadPoint(id: string) {
	const point = await findPointView(db(), Number(id));
	if (!point) notFound();
	return point;
}

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const point = await loadPoint(event.params.id);
	const [lineage, history, staff] = await Promise.all([
		findRegions(db(), lineageOf(point.regionCode).slice(0, -1)),
		listAudit(db(), { entityType: 'point', entityId: String(point.id), limit: 50 }),
		listPointStaff(db(), point.id)
	]);
	const form = await superValidate(
		{ type: point.type, contactName: point.contactName, contactPhone: point.contactPhone },
		zod4(pointSchema())
	);
	return { point, lineage: lineage.map((r) => r.name), history, staff, form };
};

export const actions: Actions = {
	save: async (event) => {
		const admin = requireRole(event, 'admin');
		const point = await loadPoint(event.params.id);
		const form = await superValidate(event.request, zod4(pointSchema()));
		if (!form.valid) return fail(400, { form });
		try {
			await updatePointDetails(db(), admin.id, point.id, form.data);
		} catch (e) {
			return refusedForm(form, e);
		}
		return message(form, m.saved());
	},
	deactivate: async (event) => {
		const admin = requireRole(event, 'admin');
		const point = await loadPoint(event.params.id);
		await setPointActive(db(), admin.id, point.id, false);
		return { status: m.point_deactivated() };
	},
	activate: async (event) => {
		const admin = requireRole(event, 'admin');
		const point = await loadPoint(event.params.id);
		await setPointActive(db(), admin.id, point.id, true);
		return { status: m.point_activated() };
	}
};
