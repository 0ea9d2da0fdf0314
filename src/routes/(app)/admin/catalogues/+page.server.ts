import { fail } from '@sveltejs/kit';
import { message, superValidate, withFiles } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import {
	catalogueImportSchema,
	certificateItemSchema,
	signboardCategorySchema,
	type CatalogueImportReport
} from '$lib/forms/catalogues';
import type { CatalogueKind } from '$lib/domain/catalogues';
import { m } from '$lib/paraglide/messages.js';
import { requireRole } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import { refusedForm } from '$lib/server/forms/refused';
import { problemReport, uploadedFile } from '$lib/server/imports/upload';
import {
	CATALOGUE_MAX_FILE_BYTES,
	importCatalogue,
	refuseOversizedCatalogueFile,
	type CatalogueProblem
} from '$lib/server/registers/catalogue-import.service';
import {
	createCertificateItem,
	createSignboardCategory,
	hasStarterEntries,
	listCertificateItems,
	listSignboardCategories
} from '$lib/server/registers/catalogues.service';
import type { Actions, PageServerLoad } from './$types';

const MB = CATALOGUE_MAX_FILE_BYTES / 1024 / 1024;

const importForm = () =>
	superValidate<{ kind: CatalogueKind; file: File }, CatalogueImportReport>(zod4(catalogueImportSchema()), {
		id: 'import'
	});

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const [signboards, certificates, starter, signboardForm, certificateForm, catalogueImport] =
		await Promise.all([
			listSignboardCategories(db()),
			listCertificateItems(db()),
			hasStarterEntries(db()),
			superValidate(zod4(signboardCategorySchema()), { id: 'signboard' }),
			superValidate(zod4(certificateItemSchema()), { id: 'certificate' }),
			importForm()
		]);
	catalogueImport.data.kind = 'signboard';
	return {
		signboards,
		certificates,
		starter,
		signboardForm,
		certificateForm,
		importForm: catalogueImport,
		maxMb: MB
	};
};

const columnLabel: Record<string, () => string> = {
	name: m.catalogue_col_name,
	status: m.catalogue_col_status,
	placement: m.catalogue_col_placement
};

/** One line of the import's report, in the admin's language. */
function describe(kind: CatalogueKind, p: CatalogueProblem): string {
	switch (p.reason) {
		case 'unreadable':
			return m.catalogue_problem_unreadable();
		case 'not_utf8':
			return m.catalogue_problem_not_utf8();
		case 'too_many_rows':
			return m.catalogue_problem_too_many_rows({ max: p.detail ?? '' });
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
			return refusedForm(form, e);
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
			return refusedForm(form, e);
		}
		return added(await superValidate(zod4(certificateItemSchema()), { id: 'certificate' }), form.data.name);
	},
	import: async (event) => {
		const admin = requireRole(event, 'admin');
		const form = await superValidate<{ kind: CatalogueKind; file: File }, CatalogueImportReport>(
			event.request,
			zod4(catalogueImportSchema()),
			{ id: 'import' }
		);
		// A File cannot go back to the page: withFiles takes it out of the answer.
		if (!form.valid) return fail(400, withFiles({ form }));
		const { kind, file } = form.data;
		try {
			// Refused before its bytes are copied; the guarded reader checks the bytes again.
			refuseOversizedCatalogueFile(file.size);
			const outcome = await importCatalogue(db(), kind, await uploadedFile(file), admin.id);
			if (!outcome.ok) {
				const failed = m.catalogue_import_failed({ count: outcome.problems.length });
				const report = problemReport(failed, outcome.problems, (p) => ({
					line: p.line,
					reason: describe(kind, p)
				}));
				return message(form, report, { status: 400 });
			}
			return message(form, {
				done: m.catalogue_import_done({
					added: outcome.added,
					updated: outcome.updated,
					unchanged: outcome.unchanged
				})
			});
		} catch (e) {
			return refusedForm(withFiles(form), e);
		}
	}
};
