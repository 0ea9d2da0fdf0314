import { fail } from '@sveltejs/kit';
import { message, setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { signboardCategorySchema } from '$lib/forms/catalogues';
import { m } from '$lib/paraglide/messages.js';
import { notFound, requireRole } from '$lib/server/auth/access';
import { listAudit } from '$lib/server/audit/audit.repository';
import { db } from '$lib/server/db';
import {
	CatalogueNameTaken,
	findSignboardCategory,
	setSignboardCategoryActive,
	updateSignboardCategory
} from '$lib/server/registers/catalogues.service';
import type { Actions, PageServerLoad } from './$types';

async function loadEntry(id: string) {
	const entry = await findSignboardCategory(db(), Number(id));
	if (!entry) notFound();
	return entry;
}

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const entry = await loadEntry(event.params.id);
	const [history, form] = await Promise.all([
		listAudit(db(), { entityType: 'signboard_category', entityId: String(entry.id), limit: 50 }),
		superValidate(
			{ name: entry.name, status: entry.status, placement: entry.placement, note: entry.note },
			zod4(signboardCategorySchema())
		)
	]);
	return { entry, history, form };
};

export const actions: Actions = {
	save: async (event) => {
		const admin = requireRole(event, 'admin');
		const entry = await loadEntry(event.params.id);
		const form = await superValidate(event.request, zod4(signboardCategorySchema()));
		if (!form.valid) return fail(400, { form });
		try {
			await updateSignboardCategory(db(), admin.id, entry.id, form.data);
		} catch (e) {
			if (e instanceof CatalogueNameTaken)
				return setError(form, 'name', m.catalogue_name_taken(), { status: 400 });
			throw e;
		}
		return message(form, m.saved());
	},
	deactivate: async (event) => {
		const admin = requireRole(event, 'admin');
		const entry = await loadEntry(event.params.id);
		await setSignboardCategoryActive(db(), admin.id, entry.id, false);
		return { status: m.catalogue_deactivated() };
	},
	activate: async (event) => {
		const admin = requireRole(event, 'admin');
		const entry = await loadEntry(event.params.id);
		await setSignboardCategoryActive(db(), admin.id, entry.id, true);
		return { status: m.catalogue_activated() };
	}
};
