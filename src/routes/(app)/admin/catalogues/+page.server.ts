import { fail } from '@sveltejs/kit';
import { setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { certificateItemSchema, signboardCategorySchema } from '$lib/forms/catalogues';
import { catalogueKinds, type CatalogueKind } from '$lib/domain/catalogues';
import { m } from '$lib/paraglide/messages.js';
import { requireRole } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import {
	CATALOGUE_MAX_FILE_BYTES,
	CatalogueNameTaken,
	createCertificateItem,
	createSignboardCategory,
	hasStarterEntries,
	importCatalogue,
	listCertificateItems,
	listSignboardCategories,
	type CatalogueProblem
} from '$lib/server/registers/catalogues.service';
import type { Actions, PageServerLoad } from './$types';

const SHOWN_PROBLEMS = 300;
const MB = CATALOGUE_MAX_FILE_BYTES / 1024 / 1024;

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const [signboards, certificates, starter, signboardForm, certificateForm] = await Promise.all([
		listSignboardCategories(db()),
		listCertificateItems(db()),
		hasStarterEntries(db()),
		superValidate(zod4(signboardCategorySchema()), { id: 'signboard' }),
		superValidate(zod4(certificateItemSchema()), { id: 'certificate' })
	]);
	return { signboards, certificates, starter, signboardForm, certificateForm, maxMb: MB };
};

const columnLabel: Record<string, () => string> = {
	name: m.catalogue_col_name,
	status: m.catalogue_col_status,
	placement: m.catalogue_col_placement
};

function describe(kind: CatalogueKind, p: CatalogueProblem): string {
	switch (p.reason) {
		case 'too_big':
			return m.catalogue_problem_too_big({ mb: MB });
		case 'unsupported_type':
			return m.catalogue_problem_unsupported_type();
		case 'unreadable':
			return m.catalogue_problem_unreadable();
		case 'not_utf8':
			return m.catalogue_problem_not_utf8();
		case 'empty_file':
			return m.catalogue_problem_empty_file();
		case 'too_many_rows':
			return m.catalogue_problem_too_many_rows({ max: p.detail ?? '' });
		case 'part_too_big':
			return m.catalogue_problem_part_too_big({ mb: Number(p.detail ?? 0) / 1024 / 1024 });
		case 'too_many_columns':
			return m.catalogue_problem_too_many_columns({ column: p.column ?? '', max: p.detail ?? '' });
		case 'cell_too_long':
			return m.catalogue_problem_cell_too_long({ column: p.column ?? '', max: p.detail ?? '' });
		case 'control_char':
			return m.catalogue_problem_control_char();
		case 'missing_column':
			return m.catalogue_problem_missing_column({
				column: columnLabel[p.detail ?? '']?.() ?? p.detail ?? ''
			});
		case 'missing_name':
			return m.catalogue_problem_missing_name();
		case 'name_too_long':
			return m.catalogue_problem_name_too_long({ max: p.detail ?? '' });
		case 'text_too_long':
			return m.catalogue_problem_text_too_long({ max: p.detail ?? '' });
		case 'missing_status':
			return m.catalogue_problem_missing_status();
		case 'unknown_status':
			return m.catalogue_problem_unknown_status({
				value: p.detail ?? '',
				allowed:
					kind === 'signboard'
						? m.catalogue_allowed_signboard_status()
						: m.catalogue_allowed_certificate_status()
			});
		case 'missing_placement':
			return m.catalogue_problem_missing_placement();
		case 'unknown_placement':
			return m.catalogue_problem_unknown_placement({ value: p.detail ?? '' });
		case 'duplicate_name':
			return m.catalogue_problem_duplicate_name({ first: p.detail ?? '' });
	}
}

// An empty form for the next entry, with the confirmation; without JavaScript the page shows
// exactly this, so the fields must not keep the entry just added.
function added<T extends { message?: unknown; valid: boolean }>(fresh: T, name: string) {
	// The empty form is not "invalid": the entry was added.
	return { form: { ...fresh, valid: true, message: m.catalogue_added({ name }) } };
}

export const actions: Actions = {
	addSignboard: async (event) => {
		const admin = requireRole(event, 'admin');
		const form = await superValidate(event.request, zod4(signboardCategorySchema()), { id: 'signboard' });
		if (!form.valid) return fail(400, { signboardForm: form });
		try {
			await createSignboardCategory(db(), admin.id, form.data);
		} catch (e) {
			if (e instanceof CatalogueNameTaken)
				return setError(form, 'name', m.catalogue_name_taken(), { status: 400 });
			throw e;
		}
		return added(await superValidate(zod4(signboardCategorySchema()), { id: 'signboard' }), form.data.name);
	},
	addCertificate: async (event) => {
		const admin = requireRole(event, 'admin');
		const form = await superValidate(event.request, zod4(certificateItemSchema()), { id: 'certificate' });
		if (!form.valid) return fail(400, { certificateForm: form });
		try {
			await createCertificateItem(db(), admin.id, form.data);
		} catch (e) {
			if (e instanceof CatalogueNameTaken)
				return setError(form, 'name', m.catalogue_name_taken(), { status: 400 });
			throw e;
		}
		return added(await superValidate(zod4(certificateItemSchema()), { id: 'certificate' }), form.data.name);
	},
	import: async (event) => {
		const admin = requireRole(event, 'admin');
		const data = await event.request.formData();
		const kindValue = String(data.get('kind') ?? '');
		const kind = catalogueKinds.find((k) => k === kindValue);
		const upload = data.get('file');
		const failWith = (status: number, error: string) =>
			fail(status, { importError: error, kind: kind ?? 'signboard', problems: [], more: 0 });
		if (!kind) return failWith(400, m.field_choose());
		if (!(upload instanceof File) || upload.size === 0) return failWith(400, m.catalogue_import_no_file());
		if (upload.size > CATALOGUE_MAX_FILE_BYTES) return failWith(413, m.catalogue_problem_too_big({ mb: MB }));

		const bytes = new Uint8Array(await upload.arrayBuffer());
		const outcome = await importCatalogue(db(), kind, { name: upload.name, bytes }, admin.id);
		if (!outcome.ok) {
			return fail(400, {
				importError: m.catalogue_import_failed({ count: outcome.problems.length }),
				kind,
				problems: outcome.problems
					.slice(0, SHOWN_PROBLEMS)
					.map((p) => ({ line: p.line, reason: describe(kind, p) })),
				more: Math.max(0, outcome.problems.length - SHOWN_PROBLEMS)
			});
		}
		return {
			kind,
			importDone: m.catalogue_import_done({
				added: outcome.added,
				updated: outcome.updated,
				unchanged: outcome.unchanged
			})
		};
	}
};
