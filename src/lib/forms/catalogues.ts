// Zod schemas for the catalogue forms, built per request so their messages follow the user's language.
import { z } from 'zod';
import { m } from '$lib/paraglide/messages.js';
import type { ImportReport } from '$lib/forms/imports';
import { optionalText, requiredText } from '$lib/forms/text-rule';
import {
	catalogueKinds,
	certificateStatuses,
	signboardPlacements,
	signboardStatuses
} from '$lib/domain/catalogues';

const name = () => requiredText(200);

// Notes and bases are free prose, often pasted from documents with line breaks.
const prose = () => optionalText(2000, { multiline: true });

export const signboardCategorySchema = () =>
	z.object({
		name: name(),
		status: z.enum(signboardStatuses, { message: m.field_choose() }),
		placement: z.enum(signboardPlacements, { message: m.field_choose() }),
		note: prose()
	});

export const certificateItemSchema = () =>
	z.object({
		name: name(),
		status: z.enum(certificateStatuses, { message: m.field_choose() }),
		basis: prose()
	});

/** The catalogue import: which catalogue, and the spreadsheet (read by the guarded reader). */
export const catalogueImportSchema = () =>
	z.object({
		kind: z.enum(catalogueKinds, { message: m.field_choose() }),
		file: z.file({ error: () => m.catalogue_import_no_file() })
	});

/** What the catalogue import answers (forms/imports.ts). */
export type CatalogueImportReport = ImportReport<{ line: number; reason: string }>;
