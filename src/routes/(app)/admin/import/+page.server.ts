import { fail } from '@sveltejs/kit';
import { message, superValidate, withFiles } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { divisionImportSchema, type DivisionImportReport } from '$lib/forms/imports';
import { m } from '$lib/paraglide/messages.js';
import { requireRole } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import { refusedForm } from '$lib/server/forms/refused';
import { REGION_MAX_FILE_BYTES as MAX_FILE_BYTES } from '$lib/server/imports/guarded-reader';
import { problemReport, uploadedFile } from '$lib/server/imports/upload';
import {
	importDivisions,
	refuseOversizedDivisionFiles,
	type ImportProblem
} from '$lib/server/regions/division-import';
import type { Actions, PageServerLoad } from './$types';

const importForm = (data?: FormData) => {
	const schema = zod4(divisionImportSchema());
	return data
		? superValidate<{ files: File[] }, DivisionImportReport>(data, schema)
		: superValidate<{ files: File[] }, DivisionImportReport>(schema);
};

/** The posted form, with the empty part a file input sends when nothing was chosen left out. */
async function postedFiles(request: Request): Promise<FormData> {
	const data = await request.formData();
	const files = data.getAll('files').filter((f) => f instanceof File && f.size > 0);
	data.delete('files');
	for (const f of files) data.append('files', f);
	return data;
}

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	return { form: await importForm() };
};

function describe(p: ImportProblem): string {
	switch (p.reason) {
		case 'bad_header':
			return m.import_bad_header();
		case 'wrong_columns':
			return m.import_wrong_columns();
		case 'malformed_code':
			return p.detail !== undefined
				? m.import_code_parent_mismatch({ parent: p.detail || '—' })
				: m.import_malformed_code();
		case 'unknown_parent':
			return m.import_unknown_parent({ parent: p.detail ?? '' });
		case 'duplicate':
			return m.import_duplicate({ first: p.detail ?? '' });
		case 'empty_name':
			return m.import_empty_name();
		case 'name_too_long':
			return m.import_name_too_long({ max: p.detail ?? '' });
		case 'too_big':
			return m.import_too_big({ file: p.file, mb: MAX_FILE_BYTES / 1024 / 1024 });
		case 'unreadable':
			return m.import_unreadable();
		case 'not_utf8':
			return m.import_not_utf8();
		case 'control_char':
			return m.import_control_char();
		case 'too_many_rows':
			return m.import_too_many_rows({ max: p.detail ?? '' });
		case 'too_many_columns':
			return m.import_too_many_columns({ column: p.column ?? '', max: p.detail ?? '' });
		case 'cell_too_long':
			return m.import_cell_too_long({ column: p.column ?? '', max: p.detail ?? '' });
	}
}

export const actions: Actions = {
	default: async (event) => {
		const admin = requireRole(event, 'admin');
		const form = await importForm(await postedFiles(event.request));
		// Files cannot go back to the page: withFiles takes them out of the answer.
		if (!form.valid) return fail(400, withFiles({ form }));
		try {
			refuseOversizedDivisionFiles(form.data.files);
		} catch (e) {
			return refusedForm(withFiles(form), e);
		}

		// Bytes: the import refuses what is not UTF-8.
		const files = await Promise.all(form.data.files.map(uploadedFile));
		const outcome = await importDivisions(db(), files, admin.id);
		if (!outcome.ok) {
			const failed = m.import_failed({ count: outcome.problems.length });
			const report = problemReport(failed, outcome.problems, (p) => ({
				file: p.file,
				line: p.line,
				code: p.code ?? '',
				reason: describe(p)
			}));
			return message(form, report, { status: 400 });
		}
		return message(form, { done: m.import_done({ added: outcome.added, renamed: outcome.renamed }) });
	}
};
