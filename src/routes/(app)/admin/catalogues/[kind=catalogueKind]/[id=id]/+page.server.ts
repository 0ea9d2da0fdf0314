// One catalogue entry, of either catalogue: /admin/catalogues/signboards/12 and
// /admin/catalogues/certificates/3. The two differ only in their fields and their audit names.
import { fail } from '@sveltejs/kit';
import { message, superValidate, type SuperValidated } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { certificateItemSchema, signboardCategorySchema } from '$lib/forms/catalogues';
import { m } from '$lib/paraglide/messages.js';
import { notFound, requireRole } from '$lib/server/auth/access';
import { listAudit } from '$lib/server/audit/audit.repository';
import { db } from '$lib/server/db';
import { refusedForm } from '$lib/server/forms/refused';
import {
	findCertificateItem,
	findSignboardCategory,
	setCertificateItemActive,
	setSignboardCategoryActive,
	updateCertificateItem,
	updateSignboardCategory
} from '$lib/server/registers/catalogues.service';
import type { Actions, PageServerLoad } from './$types';

// One id for both kinds, so the page's form follows the data when it changes from one to the other.
const FORM_ID = 'entry';

async function save<T extends Record<string, unknown>, In extends Record<string, unknown>>(
	form: SuperValidated<T, string, In>,
	write: (data: T) => Promise<void>
) {
	if (!form.valid) return fail(400, { form });
	try {
		await write(form.data);
	} catch (e) {
		return refusedForm(form, e);
	}
	return message(form, m.saved());
}

const catalogues = {
	signboards: {
		kind: 'signboards' as const,
		entityType: 'signboard_category',
		find: (id: number) => findSignboardCategory(db(), id),
		page: async (id: number) => {
			const entry = (await findSignboardCategory(db(), id)) ?? notFound();
			const values = { name: entry.name, status: entry.status, placement: entry.placement, note: entry.note };
			return { entry, form: await superValidate(values, zod4(signboardCategorySchema()), { id: FORM_ID }) };
		},
		save: async (request: Request, actorId: number, id: number) =>
			save(await superValidate(request, zod4(signboardCategorySchema()), { id: FORM_ID }), (data) =>
				updateSignboardCategory(db(), actorId, id, data)
			),
		setActive: (actorId: number, id: number, active: boolean) =>
			setSignboardCategoryActive(db(), actorId, id, active)
	},
	certificates: {
		kind: 'certificates' as const,
		entityType: 'certificate_item',
		find: (id: number) => findCertificateItem(db(), id),
		page: async (id: number) => {
			const entry = (await findCertificateItem(db(), id)) ?? notFound();
			const values = { name: entry.name, status: entry.status, basis: entry.basis };
			return { entry, form: await superValidate(values, zod4(certificateItemSchema()), { id: FORM_ID }) };
		},
		save: async (request: Request, actorId: number, id: number) =>
			save(await superValidate(request, zod4(certificateItemSchema()), { id: FORM_ID }), (data) =>
				updateCertificateItem(db(), actorId, id, data)
			),
		setActive: (actorId: number, id: number, active: boolean) =>
			setCertificateItemActive(db(), actorId, id, active)
	}
};

/** The catalogue the URL names; the route's matcher lets only these two through. */
function catalogueOf(kind: string) {
	return kind === 'signboards' || kind === 'certificates' ? catalogues[kind] : notFound();
}

/** The entry's id, or 404 when there is no such entry. */
async function entryId(params: { kind: string; id: string }): Promise<number> {
	const entry = await catalogueOf(params.kind).find(Number(params.id));
	if (!entry) notFound();
	return entry.id;
}

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const catalogue = catalogueOf(event.params.kind);
	const { entry, form } = await catalogue.page(Number(event.params.id));
	const history = await listAudit(db(), {
		entityType: catalogue.entityType,
		entityId: String(entry.id),
		limit: 50
	});
	return { kind: catalogue.kind, entry, history, form };
};

export const actions: Actions = {
	save: async (event) => {
		const admin = requireRole(event, 'admin');
		const id = await entryId(event.params);
		return catalogueOf(event.params.kind).save(event.request, admin.id, id);
	},
	deactivate: async (event) => {
		const admin = requireRole(event, 'admin');
		const id = await entryId(event.params);
		await catalogueOf(event.params.kind).setActive(admin.id, id, false);
		return { status: m.catalogue_deactivated() };
	},
	activate: async (event) => {
		const admin = requireRole(event, 'admin');
		const id = await entryId(event.params);
		await catalogueOf(event.params.kind).setActive(admin.id, id, true);
		return { status: m.catalogue_activated() };
	}
};
