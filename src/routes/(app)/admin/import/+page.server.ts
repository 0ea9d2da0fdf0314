import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { requireRole } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import { importDivisions, type ImportProblem } from '$lib/server/regions/division-import';
import type { Actions, PageServerLoad } from './$types';

const MAX_FILE_BYTES = 64 * 1024 * 1024;
const SHOWN_PROBLEMS = 300;

export const load: PageServerLoad = (event) => {
	requireRole(event, 'admin');
	return {};
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
	}
}

export const actions: Actions = {
	default: async (event) => {
		const admin = requireRole(event, 'admin');
		const data = await event.request.formData();
		const uploads = data.getAll('files').filter((f): f is File => f instanceof File && f.size > 0);
		if (uploads.length === 0) return fail(400, { error: m.import_no_files(), problems: [], more: 0 });
		const tooBig = uploads.find((f) => f.size > MAX_FILE_BYTES);
		if (tooBig)
			return fail(413, {
				error: m.import_too_big({ file: tooBig.name, mb: MAX_FILE_BYTES / 1024 / 1024 }),
				problems: [],
				more: 0
			});

		const files = await Promise.all(uploads.map(async (f) => ({ name: f.name, text: await f.text() })));
		const outcome = await importDivisions(db(), files, admin.id);
		if (!outcome.ok) {
			return fail(400, {
				error: m.import_failed({ count: outcome.problems.length }),
				problems: outcome.problems
					.slice(0, SHOWN_PROBLEMS)
					.map((p) => ({ file: p.file, line: p.line, code: p.code ?? '', reason: describe(p) })),
				more: Math.max(0, outcome.problems.length - SHOWN_PROBLEMS)
			});
		}
		return { done: m.import_done({ added: outcome.added, renamed: outcome.renamed }) };
	}
};
