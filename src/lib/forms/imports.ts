// Zod schema for the administrative-division import form, built per request so its messages follow
// the user's language. The files themselves are read by the guarded reader, under its limits.
import { z } from 'zod';
import { m } from '$lib/paraglide/messages.js';

export const divisionImportSchema = () =>
	z.object({
		files: z.array(z.file()).min(1, { error: () => m.import_no_files() })
	});

/** What an import answers, shown under its form: the counts, or every bad row (up to a cap). */
export type ImportReport<Problem> = { done: string } | { failed: string; problems: Problem[]; more: number };

export type DivisionImportReport = ImportReport<{ file: string; line: number; code: string; reason: string }>;
