// Importing a catalogue from a spreadsheet (CSV or XLSX), read through the guarded reader. A file
// that cannot be taken at all (too big, not a workbook, empty, ...) is refused on the file field;
// a readable file's bad rows are reported, every one with its line, and nothing is written.
import { diff, writeAudit } from '../audit/audit.repository';
import { now, type Db } from '../db';
import type {
	CatalogueKind,
	CertificateStatus,
	SignboardPlacement,
	SignboardStatus
} from '../../domain/catalogues';
import {
	CATALOGUE_LIMITS,
	CATALOGUE_MAX_FILE_BYTES,
	CATALOGUE_MAX_ROWS,
	readTable,
	type ReadProblem
} from '../imports/guarded-reader';
import { refuse } from '../refusal';
import type { RefusalCode, RefusalParams } from '../../text/refusals';
import { requestRebuild, startRebuilds } from '../trends/indicators.service';
import {
	entriesNamed,
	insertCertificateItem,
	insertSignboardCategory,
	updateImportedEntry,
	type ImportedValues
} from './catalogues.repository';

export { CATALOGUE_MAX_FILE_BYTES };
const MAX_ROWS = CATALOGUE_MAX_ROWS;
const MAX_NAME = 200;
const MAX_TEXT = 2000;
const MB = 1024 * 1024;

/** What can be wrong at one line of a file that could be read. */
export type CatalogueProblemReason =
	| 'unreadable'
	| 'not_utf8'
	| 'too_many_rows'
	| 'too_many_columns'
	| 'cell_too_long'
	| 'control_char'
	| 'missing_column'
	| 'missing_name'
	| 'name_too_long'
	| 'text_too_long'
	| 'missing_status'
	| 'unknown_status'
	| 'missing_placement'
	| 'unknown_placement'
	| 'duplicate_name';

/** One line of the import's report: data shown to the admin, not a refusal. */
export interface CatalogueProblem {
	/** 1-based line (CSV) or row number (XLSX), the header being the first. */
	line: number;
	reason: CatalogueProblemReason;
	/** The value at fault, the missing column, the limit reached, or the line of the first occurrence. */
	detail?: string;
	/** 1-based column, for a problem in one cell. */
	column?: number;
}

export interface CatalogueImportOutcome {
	ok: boolean;
	problems: CatalogueProblem[];
	added: number;
	updated: number;
	/** Rows naming an existing entry that already matched the file. */
	unchanged: number;
}

export interface CatalogueFile {
	name: string;
	bytes: Uint8Array;
}

/** The upload as sent is over the size cap: refused before its bytes are read. */
export function refuseOversizedCatalogueFile(size: number): void {
	if (size > CATALOGUE_MAX_FILE_BYTES) refuseFile('catalogue_file_too_big');
}

function refuseFile(code: RefusalCode, params?: RefusalParams): never {
	if (code === 'catalogue_file_too_big')
		refuse('file', code, { mb: CATALOGUE_MAX_FILE_BYTES / MB, ...params }, 413);
	refuse('file', code, params);
}

type Field = 'name' | 'status' | 'placement' | 'text';

// Headers compare after lower-casing and dropping spaces, asterisks and bracketed remarks, so
// "名称*" or "Status (取消/保留)" still count.
const headerAliases: Record<CatalogueKind, Record<Field, string[]>> = {
	signboard: {
		name: ['名称', '名字', '类别', '类别名称', '标牌名称', '牌子名称', 'name', 'category'],
		status: ['状态', '处理', '处理方式', 'status'],
		placement: ['位置', '类型', '标牌类型', '位置类型', 'placement', 'location', 'type'],
		text: ['说明', '备注', 'note', 'notes', 'remark', 'remarks']
	},
	certificate: {
		name: ['名称', '名字', '事项', '事项名称', '证明事项', '证明名称', '证明事项名称', 'name', 'item'],
		status: ['状态', '处理', '处理方式', 'status'],
		placement: [],
		text: ['依据', '设定依据', '法律依据', '说明', '备注', 'basis', 'note', 'notes']
	}
};

const statusAliases: Record<CatalogueKind, Record<string, string>> = {
	signboard: {
		取消: 'cancelled',
		已取消: 'cancelled',
		cancelled: 'cancelled',
		canceled: 'cancelled',
		cancel: 'cancelled',
		保留: 'kept',
		规范保留: 'kept',
		规范: 'kept',
		kept: 'kept',
		keep: 'kept',
		retained: 'kept'
	},
	certificate: {
		取消: 'cancelled',
		已取消: 'cancelled',
		cancelled: 'cancelled',
		canceled: 'cancelled',
		cancel: 'cancelled',
		保留: 'retained',
		规范保留: 'retained',
		retained: 'retained',
		retain: 'retained',
		kept: 'retained',
		keep: 'retained'
	}
};

const placementAliases: Record<string, SignboardPlacement> = {
	外挂标牌: 'exterior',
	外挂: 'exterior',
	室外标牌: 'exterior',
	室外: 'exterior',
	exterior: 'exterior',
	outside: 'exterior',
	室内门牌: 'interior',
	门牌: 'interior',
	室内: 'interior',
	interior: 'interior',
	inside: 'interior',
	上墙制度: 'wall',
	上墙: 'wall',
	制度上墙: 'wall',
	wall: 'wall'
};

const squash = (s: string) => s.toLowerCase().replace(/\s+/g, '');
const headerKey = (s: string) => squash(s.replace(/[(（][^)）]*[)）]/g, '')).replace(/[*＊:：]/g, '');

/**
 * The reader's problems that can concern the whole file, and their refusals: too big, a part too
 * big and empty always do; the others when they name no line (line 0).
 */
const wholeFile = {
	too_big: 'catalogue_file_too_big',
	part_too_big: 'catalogue_file_part_too_big',
	unreadable: 'catalogue_file_unreadable',
	not_utf8: 'catalogue_file_not_utf8',
	empty_file: 'catalogue_file_empty',
	too_many_rows: 'catalogue_file_too_many_rows'
} as const satisfies Partial<Record<ReadProblem['reason'], RefusalCode>>;

/**
 * The reader's problem in the catalogue's terms; the row cap is told in data rows. One about the
 * whole file (line 0) refuses the file.
 */
function fromReadProblem(p: ReadProblem): CatalogueProblem {
	const always = p.reason === 'too_big' || p.reason === 'part_too_big' || p.reason === 'empty_file';
	if (always || (p.line === 0 && p.reason in wholeFile)) {
		const code = wholeFile[p.reason as keyof typeof wholeFile];
		if (code === 'catalogue_file_part_too_big') refuseFile(code, { mb: (p.limit ?? 0) / MB });
		if (code === 'catalogue_file_too_many_rows') refuseFile(code, { max: MAX_ROWS });
		refuseFile(code);
	}
	const at = { line: p.line, ...(p.column != null && { column: p.column }) };
	switch (p.reason) {
		case 'too_many_rows':
			return { ...at, reason: 'too_many_rows', detail: String(MAX_ROWS) };
		case 'too_many_columns':
		case 'cell_too_long':
			return { ...at, reason: p.reason, detail: String(p.limit) };
		case 'unreadable':
		case 'not_utf8':
		case 'control_char':
			return { ...at, reason: p.reason };
		default:
			// Unreachable: the rest concern the whole file and are refused above.
			throw new Error(`unexpected reader problem ${p.reason} at line ${p.line}`);
	}
}

interface CatalogueRow {
	line: number;
	name: string;
	status: string;
	placement: SignboardPlacement | null;
	/** undefined when the file has no such column: a re-import then keeps the stored text. */
	text: string | null | undefined;
}

/**
 * Reads and checks every row; nothing touches the database. A file that cannot be taken at all is
 * refused (a Refusal on `file`); otherwise every bad row is in `problems`.
 */
export async function parseCatalogueFile(
	kind: CatalogueKind,
	file: CatalogueFile
): Promise<{ rows: CatalogueRow[]; problems: CatalogueProblem[] }> {
	const parsed = await readTable(file, CATALOGUE_LIMITS);
	if ('unsupported' in parsed) refuseFile('catalogue_file_unsupported', { file: file.name });
	if (parsed.problem) return { rows: [], problems: [fromReadProblem(parsed.problem)] };

	// The reader gives cells normalised and trimmed.
	const records = parsed.rows.filter((r) => r.cells.some((c) => c !== ''));
	if (records.length === 0) refuseFile('catalogue_file_empty');
	if (records.length - 1 > MAX_ROWS) refuseFile('catalogue_file_too_many_rows', { max: MAX_ROWS });

	const columnsOf = (cells: string[]) => {
		const keys = cells.map(headerKey);
		const columnOf = (field: Field) => {
			const aliases = headerAliases[kind][field].map(headerKey);
			return keys.findIndex((k) => aliases.includes(k));
		};
		return {
			name: columnOf('name'),
			status: columnOf('status'),
			placement: columnOf('placement'),
			text: columnOf('text')
		};
	};
	// Published lists often carry a title row (or two) above the header; the header is the first
	// of the top rows naming both the name and the status column.
	const headerAt = Math.max(
		0,
		records.slice(0, 5).findIndex((r) => {
			const c = columnsOf(r.cells);
			return c.name >= 0 && c.status >= 0;
		})
	);
	const header = records[headerAt];
	const body = records.slice(headerAt + 1);
	const at = columnsOf(header.cells);
	const problems: CatalogueProblem[] = [];
	const required: Field[] = kind === 'signboard' ? ['name', 'status', 'placement'] : ['name', 'status'];
	for (const field of required) {
		if (at[field] < 0) problems.push({ line: header.line, reason: 'missing_column', detail: field });
	}
	if (problems.length) return { rows: [], problems };

	const rows: CatalogueRow[] = [];
	const firstLine = new Map<string, number>();
	for (const { line, cells } of body) {
		const cell = (i: number) => (i >= 0 ? (cells[i] ?? '') : '');
		const name = cell(at.name).replace(/\s+/g, ' ');
		const rawStatus = cell(at.status);
		const rawPlacement = cell(at.placement);
		const text = at.text < 0 ? undefined : cell(at.text) || null;
		const before = problems.length;

		if (!name) problems.push({ line, reason: 'missing_name' });
		else if (name.length > MAX_NAME)
			problems.push({ line, reason: 'name_too_long', detail: String(MAX_NAME) });
		else {
			const first = firstLine.get(name);
			if (first != null) problems.push({ line, reason: 'duplicate_name', detail: String(first) });
			else firstLine.set(name, line);
		}
		const status = statusAliases[kind][squash(rawStatus)];
		if (!rawStatus) problems.push({ line, reason: 'missing_status' });
		else if (!status) problems.push({ line, reason: 'unknown_status', detail: rawStatus });
		let placement: SignboardPlacement | null = null;
		if (kind === 'signboard') {
			placement = placementAliases[squash(rawPlacement)] ?? null;
			if (!rawPlacement) problems.push({ line, reason: 'missing_placement' });
			else if (!placement) problems.push({ line, reason: 'unknown_placement', detail: rawPlacement });
		}
		if (text && text.length > MAX_TEXT)
			problems.push({ line, reason: 'text_too_long', detail: String(MAX_TEXT) });
		if (problems.length === before) rows.push({ line, name, status, placement, text });
	}
	if (rows.length === 0 && problems.length === 0) refuseFile('catalogue_file_empty');
	return { rows, problems };
}

/**
 * All or nothing: when any row is bad nothing is written and every bad row is reported. A name
 * the catalogue already has updates that entry (and brings it back if it was deactivated), so
 * importing the region's revised list again is how it is kept current. A file that cannot be
 * taken at all is refused (a Refusal on `file`).
 */
export async function importCatalogue(
	db: Db,
	kind: CatalogueKind,
	file: CatalogueFile,
	actorId: number | null
): Promise<CatalogueImportOutcome> {
	const { rows, problems } = await parseCatalogueFile(kind, file);
	if (problems.length) return { ok: false, problems, added: 0, updated: 0, unchanged: 0 };

	const result = await db.transaction().execute(async (trx) => {
		const existing = await entriesNamed(
			trx,
			kind,
			rows.map((r) => r.name)
		);
		const added: string[] = [];
		const updated: { name: string; changes: Record<string, [unknown, unknown]> }[] = [];
		let unchanged = 0;
		const at = now();
		for (const row of rows) {
			const before = existing.get(row.name);
			if (!before) {
				if (kind === 'signboard') {
					const entry = {
						name: row.name,
						status: row.status as SignboardStatus,
						placement: row.placement!,
						note: row.text ?? null
					};
					await insertSignboardCategory(trx, entry, at);
				} else {
					const entry = { name: row.name, status: row.status as CertificateStatus, basis: row.text ?? null };
					await insertCertificateItem(trx, entry, at);
				}
				added.push(row.name);
				continue;
			}
			const text =
				row.text === undefined ? {} : kind === 'signboard' ? { note: row.text } : { basis: row.text };
			const values: ImportedValues = {
				status: row.status,
				...(kind === 'signboard' && { placement: row.placement }),
				...text,
				active: 1
			};
			const changes = diff(before as Record<string, unknown>, { ...values });
			if (Object.keys(changes).length === 0) {
				unchanged++;
				continue;
			}
			await updateImportedEntry(trx, kind, before.id, values);
			updated.push({ name: row.name, changes });
		}
		await writeAudit(trx, {
			userId: actorId,
			action: 'catalogue.import',
			entityType: kind === 'signboard' ? 'signboard_category' : 'certificate_item',
			changes: { file: file.name, added, updated, unchanged }
		});
		if (updated.some((u) => 'status' in u.changes))
			await requestRebuild(trx, { reason: 'catalogue', actorId });
		return { ok: true, problems: [], added: added.length, updated: updated.length, unchanged };
	});
	startRebuilds(db);
	return result;
}
