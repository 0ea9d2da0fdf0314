// The one way uploaded tables (CSV, XLSX) are read. Every import goes through here so that no file,
// however shaped, can take the server's memory or hold its event loop: sizes, rows, columns and
// cell lengths are capped and reading stops at the first cap reached, naming it and where.
import { parse as parseCsvStream } from 'csv-parse';
import { parse as parseCsvSync, type Info } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';

export interface ReadLimits {
	/** The upload as sent. */
	maxBytes: number;
	/** Each XLSX part (sheet, shared strings, ...) once inflated. */
	maxPartBytes: number;
	/** Rows read, header and title rows included. */
	maxRows: number;
	maxColumns: number;
	/** Characters in one cell, after normalising and trimming. */
	maxCellChars: number;
	/** Whether a cell may hold line breaks (long notes may; codes and names may not). */
	multiline: boolean;
}

export const CATALOGUE_MAX_FILE_BYTES = 5 * 1024 * 1024;
/** Data rows in one catalogue file. */
export const CATALOGUE_MAX_ROWS = 10_000;
/** Title and header rows allowed above a catalogue's data. */
export const CATALOGUE_HEADER_ROWS = 5;
export const CATALOGUE_LIMITS: Readonly<ReadLimits> = Object.freeze({
	maxBytes: CATALOGUE_MAX_FILE_BYTES,
	// A real list of 10,000 items with their bases is a few MB; each inflated megabyte costs the
	// streaming reader some 40 MB of memory (npm run bench measures it).
	maxPartBytes: 8 * 1024 * 1024,
	maxRows: CATALOGUE_MAX_ROWS + CATALOGUE_HEADER_ROWS,
	maxColumns: 50,
	// Above the service's own name and text limits, so those keep their own messages.
	maxCellChars: 4000,
	multiline: true
});

// The NBS village file, the largest, has about 650,000 rows in some 60 MB.
export const REGION_MAX_FILE_BYTES = 64 * 1024 * 1024;
export const REGION_MAX_NAME = 100;
export const REGION_LIMITS: Readonly<ReadLimits> = Object.freeze({
	maxBytes: REGION_MAX_FILE_BYTES,
	maxPartBytes: 0,
	maxRows: 1_000_000,
	maxColumns: 20,
	maxCellChars: 200,
	multiline: false
});

/** Zip entries in an XLSX; real workbooks have a few dozen. */
export const MAX_ZIP_ENTRIES = 1000;
/** Rows handled between two yields to the event loop. */
export const ROWS_PER_TICK = 500;
const CHUNK_BYTES = 64 * 1024;
const DECODE_CHUNK_BYTES = 1024 * 1024;

export type ReadProblemReason =
	| 'too_big'
	| 'part_too_big'
	| 'unreadable'
	| 'not_utf8'
	| 'control_char'
	| 'too_many_rows'
	| 'too_many_columns'
	| 'cell_too_long'
	| 'empty_file';

export interface ReadProblem {
	reason: ReadProblemReason;
	/** 1-based line (CSV) or row number (XLSX); 0 for the whole file. */
	line: number;
	/** 1-based column, when the problem is in one cell. */
	column?: number;
	/** The limit that was reached. */
	limit?: number;
}

export interface ReadRow {
	line: number;
	/** NFC-normalised and trimmed. */
	cells: string[];
}

export type ReadResult =
	{ rows: ReadRow[]; problem?: undefined } | { rows?: undefined; problem: ReadProblem };

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

// C0 and C1 controls but tab, line feed and carriage return; U+FFFD means an earlier lossy decode.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD]/;
const LINE_BREAK = /[\r\n]/;

/** Checks and collects rows as they are read, stopping at the first cap reached. */
class RowGuard {
	readonly rows: ReadRow[] = [];
	constructor(private readonly limits: ReadLimits) {}

	/** `raw` may have holes (empty XLSX cells). */
	add(line: number, raw: readonly (string | undefined)[]): ReadProblem | undefined {
		const { maxRows, maxColumns, maxCellChars, multiline } = this.limits;
		if (raw.length > maxColumns)
			return { reason: 'too_many_columns', line, column: raw.length, limit: maxColumns };
		if (this.rows.length >= maxRows) return { reason: 'too_many_rows', line, limit: maxRows };
		const cells: string[] = [];
		for (let i = 0; i < raw.length; i++) {
			const value = raw[i] ?? '';
			if (CONTROL.test(value) || (!multiline && LINE_BREAK.test(value)))
				return { reason: 'control_char', line, column: i + 1 };
			// Check before normalising too, so a huge cell costs no more work.
			if (value.length > maxCellChars * 4)
				return { reason: 'cell_too_long', line, column: i + 1, limit: maxCellChars };
			const cell = value.normalize('NFC').trim();
			if (cell.length > maxCellChars)
				return { reason: 'cell_too_long', line, column: i + 1, limit: maxCellChars };
			cells.push(cell);
		}
		this.rows.push({ line, cells });
	}
}

// ---------------------------------------------------------------------------------------------
// CSV

/** Start of the first byte sequence that is not UTF-8, or -1. */
function firstBadUtf8(b: Uint8Array): number {
	let i = 0;
	while (i < b.length) {
		const c = b[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		let need: number;
		let lo = 0x80;
		let hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf) need = 1;
		else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			if (c === 0xe0) lo = 0xa0;
			if (c === 0xed) hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			if (c === 0xf0) lo = 0x90;
			if (c === 0xf4) hi = 0x8f;
		} else return i;
		for (let k = 1; k <= need; k++) {
			const d = b[i + k];
			if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
		}
		i += need + 1;
	}
	return -1;
}

function countLines(text: string, end: number): number {
	let lines = 1;
	for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) lines++;
	return lines;
}

/**
 * Checks the text is strict UTF-8 without control characters, a piece at a time; yields between
 * pieces so the async reader can give the event loop a turn. Gives the bytes for the parser.
 */
function* checkCsv(input: Uint8Array | string, limits: ReadLimits): Generator<void, ReadProblem | Buffer> {
	const bytes =
		typeof input === 'string'
			? Buffer.from(input, 'utf8')
			: Buffer.from(input.buffer, input.byteOffset, input.byteLength);
	if (bytes.byteLength > limits.maxBytes) return { reason: 'too_big', line: 0, limit: limits.maxBytes };
	// The decoder drops a leading BOM.
	const decoder = new TextDecoder('utf-8', { fatal: true });
	// Fields are counted as the text goes by, so a line of a million commas is refused before the
	// parser builds a record of a million cells.
	let line = 1;
	let fields = 1;
	let quoted = false;
	for (let at = 0; at < bytes.byteLength; at += DECODE_CHUNK_BYTES) {
		const end = Math.min(at + DECODE_CHUNK_BYTES, bytes.byteLength);
		let piece: string;
		try {
			piece = decoder.decode(bytes.subarray(at, end), { stream: end < bytes.byteLength });
		} catch {
			const bad = firstBadUtf8(bytes);
			let badLine = 1;
			for (let i = 0; i < bad; i++) if (bytes[i] === 0x0a) badLine++;
			return { reason: 'not_utf8', line: bad < 0 ? 0 : badLine };
		}
		const found = CONTROL.exec(piece);
		if (found) {
			// A replacement character is what an earlier lossy decode leaves behind.
			const reason = found[0] === '\uFFFD' ? 'not_utf8' : 'control_char';
			return { reason, line: line - 1 + countLines(piece, found.index) };
		}
		for (let i = 0; i < piece.length; i++) {
			const c = piece.charCodeAt(i);
			if (c === 0x22) quoted = !quoted;
			else if (c === 0x0a) {
				line++;
				if (!quoted) fields = 1;
			} else if (c === 0x2c && !quoted && ++fields > limits.maxColumns)
				return { reason: 'too_many_columns', line, column: fields, limit: limits.maxColumns };
		}
		yield;
	}
	return bytes;
}

/** The line a record starts on: csv-parse counts to its end, past line breaks in quoted cells. */
function startLine(record: string[], info: Info): number {
	let breaks = 0;
	for (const cell of record) for (let i = cell.indexOf('\n'); i >= 0; i = cell.indexOf('\n', i + 1)) breaks++;
	return info.lines - breaks;
}

const csvOptions = { bom: true, relax_column_count: true, skip_empty_lines: true, info: true } as const;
const csvError = (e: unknown): ReadResult => ({
	problem: { reason: 'unreadable', line: (e as { lines?: number }).lines ?? 0 }
});

/** CSV as rows of text; for uploads, which may be large. */
export async function readCsv(input: Uint8Array | string, limits: ReadLimits): Promise<ReadResult> {
	const steps = checkCsv(input, limits);
	let step = steps.next();
	while (!step.done) {
		await tick();
		step = steps.next();
	}
	if (!Buffer.isBuffer(step.value)) return { problem: step.value };
	const bytes = step.value;
	const source = Readable.from(
		(function* () {
			for (let at = 0; at < bytes.byteLength; at += CHUNK_BYTES) yield bytes.subarray(at, at + CHUNK_BYTES);
		})()
	);
	const parser = parseCsvStream(csvOptions);
	source.pipe(parser);
	const guard = new RowGuard(limits);
	try {
		let n = 0;
		for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
			const problem = guard.add(startLine(record, info), record);
			if (problem) return { problem };
			if (++n % ROWS_PER_TICK === 0) await tick();
		}
	} catch (e) {
		return csvError(e);
	} finally {
		source.destroy();
		parser.destroy();
	}
	return { rows: guard.rows };
}

/** The same checks in one go, for small texts already in hand (tests, fixtures). */
export function readCsvSync(input: Uint8Array | string, limits: ReadLimits): ReadResult {
	const steps = checkCsv(input, limits);
	let step = steps.next();
	while (!step.done) step = steps.next();
	if (!Buffer.isBuffer(step.value)) return { problem: step.value };
	let records: { record: string[]; info: Info }[];
	try {
		records = parseCsvSync(step.value, csvOptions) as unknown as { record: string[]; info: Info }[];
	} catch (e) {
		return csvError(e);
	}
	const guard = new RowGuard(limits);
	for (const { record, info } of records) {
		const problem = guard.add(startLine(record, info), record);
		if (problem) return { problem };
	}
	return { rows: guard.rows };
}

// ---------------------------------------------------------------------------------------------
// XLSX

export function looksLikeZip(bytes: Uint8Array): boolean {
	return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

interface ZipEntry {
	name: string;
	method: number;
	compressedSize: number;
	size: number;
	dataStart: number;
}

/** The central directory, or null when it is not a zip this reader handles. */
function zipEntries(bytes: Uint8Array): ZipEntry[] | null {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	let eocd = -1;
	for (let i = bytes.byteLength - 22; i >= Math.max(0, bytes.byteLength - 22 - 0xffff); i--) {
		if (view.getUint32(i, true) === 0x06054b50) {
			eocd = i;
			break;
		}
	}
	if (eocd < 0) return null;
	const count = view.getUint16(eocd + 10, true);
	let at = view.getUint32(eocd + 16, true);
	if (count > MAX_ZIP_ENTRIES) return null;
	const entries: ZipEntry[] = [];
	const decoder = new TextDecoder();
	for (let n = 0; n < count; n++) {
		if (at + 46 > bytes.byteLength || view.getUint32(at, true) !== 0x02014b50) return null;
		const flags = view.getUint16(at + 8, true);
		const method = view.getUint16(at + 10, true);
		const compressedSize = view.getUint32(at + 20, true);
		const size = view.getUint32(at + 24, true);
		const nameLength = view.getUint16(at + 28, true);
		const extraLength = view.getUint16(at + 30, true);
		const commentLength = view.getUint16(at + 32, true);
		const local = view.getUint32(at + 42, true);
		const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
		at += 46 + nameLength + extraLength + commentLength;
		// Encrypted entries and zip64 sizes have no place in a 5 MB workbook.
		if (flags & 1 || compressedSize === 0xffffffff || size === 0xffffffff) return null;
		if (local + 30 > bytes.byteLength || view.getUint32(local, true) !== 0x04034b50) return null;
		const dataStart = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
		if (dataStart + compressedSize > bytes.byteLength) return null;
		entries.push({ name, method, compressedSize, size, dataStart });
	}
	return entries;
}

class PartTooBig extends Error {}

/** Inflates one entry, giving up as soon as the output passes the cap, whatever the header says. */
async function inflate(bytes: Uint8Array, entry: ZipEntry, cap: number): Promise<Buffer> {
	if (entry.size > cap) throw new PartTooBig();
	const data = bytes.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
	if (entry.method === 0) {
		if (data.byteLength > cap) throw new PartTooBig();
		return Buffer.from(data);
	}
	if (entry.method !== 8) throw new Error(`zip method ${entry.method}`);
	const inflater = zlib.createInflateRaw();
	inflater.end(data);
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of inflater as AsyncIterable<Buffer>) {
		size += chunk.byteLength;
		if (size > cap) {
			inflater.destroy();
			throw new PartTooBig();
		}
		chunks.push(chunk);
	}
	return Buffer.concat(chunks);
}

/** The first sheet in the workbook's own order, falling back to the lowest-numbered part. */
function firstSheetPath(workbook: string | undefined, rels: string | undefined, names: string[]) {
	const rid = workbook?.match(/<sheet\b[^>]*?\b(?:\w+:)?id="([^"]+)"/)?.[1];
	const rel =
		rid && rels?.match(new RegExp(`<Relationship\\b[^>]*?\\bId="${rid.replace(/\W/g, '')}"[^>]*>`))?.[0];
	let target = rel?.match(/\bTarget="([^"]+)"/)?.[1];
	if (target) {
		target = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
		if (names.includes(target)) return target;
	}
	const sheets = names
		.map((n) => ({ n, no: Number(n.match(/^xl\/worksheets\/sheet(\d+)\.xml$/)?.[1]) }))
		.filter((s) => s.no > 0)
		.sort((a, b) => a.no - b.no);
	return sheets[0]?.n;
}

/**
 * A stored (uncompressed) zip of the given parts, in this order, a chunk at a time; `watch` sees
 * each chunk of the named part as it goes out.
 */
function* storedZip(
	parts: { name: string; data: Buffer }[],
	watch: { name: string; chunk: (chunk: Buffer) => boolean }
): Generator<Buffer> {
	const central: Buffer[] = [];
	let offset = 0;
	for (const { name, data } of parts) {
		const nameBytes = Buffer.from(name, 'utf8');
		const crc = zlib.crc32(data);
		const local = Buffer.alloc(30);
		local.writeUInt32LE(0x04034b50, 0);
		local.writeUInt16LE(20, 4);
		local.writeUInt16LE(0x0800, 6);
		local.writeUInt16LE(0x21, 12);
		local.writeUInt32LE(crc, 14);
		local.writeUInt32LE(data.byteLength, 18);
		local.writeUInt32LE(data.byteLength, 22);
		local.writeUInt16LE(nameBytes.byteLength, 26);
		const dir = Buffer.alloc(46);
		dir.writeUInt32LE(0x02014b50, 0);
		dir.writeUInt16LE(20, 4);
		dir.writeUInt16LE(20, 6);
		dir.writeUInt16LE(0x0800, 8);
		dir.writeUInt16LE(0x21, 14);
		dir.writeUInt32LE(crc, 16);
		dir.writeUInt32LE(data.byteLength, 20);
		dir.writeUInt32LE(data.byteLength, 24);
		dir.writeUInt16LE(nameBytes.byteLength, 28);
		dir.writeUInt32LE(offset, 42);
		central.push(dir, nameBytes);
		yield Buffer.concat([local, nameBytes]);
		for (let at = 0; at < data.byteLength; at += CHUNK_BYTES) {
			const chunk = data.subarray(at, at + CHUNK_BYTES);
			if (name === watch.name && !watch.chunk(chunk)) return;
			yield chunk;
		}
		offset += 30 + nameBytes.byteLength + data.byteLength;
	}
	const dir = Buffer.concat(central);
	const end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0);
	end.writeUInt16LE(parts.length, 8);
	end.writeUInt16LE(parts.length, 10);
	end.writeUInt32LE(dir.byteLength, 12);
	end.writeUInt32LE(offset, 16);
	yield dir;
	yield end;
}

/**
 * Counts the cells of each row in the sheet XML as it streams past, so a row with more cells than
 * the cap is refused before the parser builds it.
 */
function cellCounter(maxColumns: number, onOverflow: (problem: ReadProblem) => void) {
	let carry = '';
	let row = 0;
	let cells = 0;
	return (chunk: Buffer): boolean => {
		let text = carry + chunk.toString('latin1');
		const lt = text.lastIndexOf('<');
		carry = '';
		if (lt >= 0 && text.indexOf('>', lt) < 0 && text.length - lt < 4096) {
			carry = text.slice(lt);
			text = text.slice(0, lt);
		}
		for (const m of text.matchAll(/<(row|c)(?=[\s>/])([^>]*)>/g)) {
			if (m[1] === 'row') {
				row = Number(m[2].match(/\br="(\d+)"/)?.[1] ?? row + 1);
				cells = 0;
			} else if (++cells > maxColumns) {
				onOverflow({ reason: 'too_many_columns', line: row, column: cells, limit: maxColumns });
				return false;
			}
		}
		return true;
	};
}

/** The first worksheet of an XLSX as rows of text, streamed and stopped at the caps. */
/**
 * exceljs's streaming reader decodes each chunk of a part on its own, so a character whose UTF-8
 * bytes straddle two chunks comes out as U+FFFD. Written as character references the XML is plain
 * ASCII and nothing can straddle. (Parts never have non-ASCII element or attribute names.)
 */
function asciiXml(part: Buffer | undefined): Buffer | undefined {
	if (!part) return part;
	const text = part.toString('utf8');
	if (!/[\u0080-\u{10ffff}]/u.test(text)) return part;
	return Buffer.from(
		text.replace(/[\u0080-\u{10ffff}]/gu, (c) => `&#x${c.codePointAt(0)!.toString(16)};`),
		'latin1'
	);
}

export async function readXlsx(bytes: Uint8Array, limits: ReadLimits): Promise<ReadResult> {
	if (bytes.byteLength > limits.maxBytes)
		return { problem: { reason: 'too_big', line: 0, limit: limits.maxBytes } };
	const unreadable: ReadResult = { problem: { reason: 'unreadable', line: 0 } };
	const entries = looksLikeZip(bytes) ? zipEntries(bytes) : null;
	if (!entries) return unreadable;
	const byName = new Map(entries.map((e) => [e.name, e]));
	const parts = new Map<string, Buffer>();
	const load = async (name: string) => {
		const entry = byName.get(name);
		if (entry && !parts.has(name)) parts.set(name, await inflate(bytes, entry, limits.maxPartBytes));
		return parts.get(name);
	};
	const relsName = 'xl/_rels/workbook.xml.rels';
	let sheetName: string | undefined;
	try {
		const workbook = await load('xl/workbook.xml');
		const rels = await load(relsName);
		sheetName = firstSheetPath(workbook?.toString('utf8'), rels?.toString('utf8'), [...byName.keys()]);
		if (!workbook || !sheetName) return { problem: { reason: 'empty_file', line: 0 } };
		await load('xl/sharedStrings.xml');
		await load('xl/styles.xml');
		await load(sheetName);
	} catch (e) {
		if (e instanceof PartTooBig)
			return { problem: { reason: 'part_too_big', line: 0, limit: limits.maxPartBytes } };
		return unreadable;
	}

	// exceljs streams the sheet only once the shared strings and relations are in, so they go first;
	// the sheet goes in as sheet1 since only the first is read.
	const sheetPart = 'xl/worksheets/sheet1.xml';
	const ordered = [
		{ name: relsName, data: parts.get(relsName) },
		{ name: 'xl/workbook.xml', data: parts.get('xl/workbook.xml') },
		{
			name: 'xl/sharedStrings.xml',
			data: asciiXml(parts.get('xl/sharedStrings.xml')) ?? Buffer.from('<sst/>')
		},
		{ name: 'xl/styles.xml', data: parts.get('xl/styles.xml') },
		{ name: sheetPart, data: asciiXml(parts.get(sheetName)) }
	].filter((p): p is { name: string; data: Buffer } => !!p.data);
	let overflow: ReadProblem | undefined;
	const count = cellCounter(limits.maxColumns, (p) => (overflow = p));
	const source = Readable.from(storedZip(ordered, { name: sheetPart, chunk: count }));
	const reader = new ExcelJS.stream.xlsx.WorkbookReader(source, {
		worksheets: 'emit',
		sharedStrings: 'cache',
		// Styles tell dates from numbers, as the sheet shows them.
		styles: 'cache',
		hyperlinks: 'ignore',
		entries: 'ignore'
	});
	const guard = new RowGuard(limits);
	try {
		let n = 0;
		for await (const sheet of reader) {
			for await (const row of sheet) {
				if (overflow) break;
				const raw: string[] = [];
				let width = 0;
				// Only the cells present: a row's cellCount reaches its last styled cell, up to 16,384.
				row.eachCell({ includeEmpty: false }, (cell, column) => {
					width = Math.max(width, column);
					if (column <= limits.maxColumns) raw[column - 1] = cell.text ?? '';
				});
				if (width === 0) continue;
				if (width > limits.maxColumns)
					return {
						problem: { reason: 'too_many_columns', line: row.number, column: width, limit: limits.maxColumns }
					};
				raw.length = width;
				const problem = guard.add(row.number, raw);
				if (problem) return { problem };
				if (++n % ROWS_PER_TICK === 0) await tick();
			}
			break;
		}
	} catch {
		return overflow ? { problem: overflow } : unreadable;
	} finally {
		source.destroy();
	}
	if (overflow) return { problem: overflow };
	return { rows: guard.rows };
}

/** A table upload by its content (a zip is read as XLSX) or else by its name. */
export async function readTable(
	file: { name: string; bytes: Uint8Array },
	limits: ReadLimits
): Promise<ReadResult | { unsupported: true }> {
	if (file.bytes.byteLength > limits.maxBytes)
		return { problem: { reason: 'too_big', line: 0, limit: limits.maxBytes } };
	const lower = file.name.toLowerCase();
	if (looksLikeZip(file.bytes)) return readXlsx(file.bytes, limits);
	if (lower.endsWith('.xlsx') || lower.endsWith('.xls'))
		return { problem: { reason: 'unreadable', line: 0 } };
	if (lower.endsWith('.csv') || lower.endsWith('.txt')) return readCsv(file.bytes, limits);
	return { unsupported: true };
}
