// The one SQLite-specific module: opening the file with its pragmas, and the online backup.
// A PostgreSQL dialect will get its own sibling module; nothing else should import better-sqlite3.
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema';

export function openSqlite(file: string): { db: Kysely<Database>; raw: SQLite.Database } {
	if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
	const raw = new SQLite(file);
	raw.pragma('journal_mode = WAL');
	raw.pragma('foreign_keys = ON');
	raw.pragma('busy_timeout = 5000');
	raw.pragma('synchronous = NORMAL');
	return {
		db: new Kysely<Database>({ dialect: new SqliteDialect({ database: cachedStatements(raw) }) }),
		raw
	};
}

/** Statements run through Kysely in this process (every query, begin and commit): tests count them. */
let statementsRun = 0;
export const sqliteStatements = (): number => statementsRun;

/** How many prepared statements each connection keeps: the app has a few hundred distinct queries. */
const STATEMENT_CACHE = 1_000;

/**
 * Kysely asks better-sqlite3 to prepare every query it runs, and preparing is a large share of a
 * request's CPU. The same SQL text (parameters are bound apart) is prepared once and kept, the
 * least recently used dropped past the limit; SQLite re-prepares a kept statement by itself if
 * the schema changed under it. A statement still being iterated is not shared.
 */
function cachedStatements(raw: SQLite.Database) {
	const kept = new Map<string, SQLite.Statement>();
	return {
		close: () => raw.close(),
		prepare(sql: string): SQLite.Statement {
			statementsRun++;
			const hit = kept.get(sql);
			if (hit && !hit.busy) {
				kept.delete(sql);
				kept.set(sql, hit);
				return hit;
			}
			const statement = raw.prepare(sql);
			kept.set(sql, statement);
			if (kept.size > STATEMENT_CACHE) kept.delete(kept.keys().next().value!);
			return statement;
		}
	};
}

/** What a finished backup holds; `rows` per table, as counted in the copied snapshot. */
export interface SqliteBackup {
	bytes: number;
	ms: number;
	rows: Record<string, number>;
}

// Every page in one step: with the default 100-page steps, each commit from another connection
// between two steps restarted the copy, so under steady submissions it never finished. better-
// sqlite3 clamps the rate to 0..2^31-1, and 0 would copy nothing at all, forever.
const ALL_PAGES = 0x7fffffff;

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

function tableCounts(db: SQLite.Database): Record<string, number> {
	const names = db
		.prepare("select name from sqlite_schema where type = 'table' and name not like 'sqlite_%' order by name")
		.pluck()
		.all() as string[];
	return Object.fromEntries(
		names.map((n) => [
			n,
			db
				.prepare(`select count(*) from ${quoted(n)}`)
				.pluck()
				.get() as number
		])
	);
}

/** The copy is whole and holds exactly the snapshot that was counted; throws otherwise. */
function verifyCopy(file: string, expected: Record<string, number>): void {
	// One self-contained file: no -wal to lose beside it when it is copied elsewhere.
	const rw = new SQLite(file, { fileMustExist: true });
	try {
		rw.pragma('journal_mode = DELETE');
	} finally {
		rw.close();
	}
	const copy = new SQLite(file, { readonly: true, fileMustExist: true });
	try {
		const integrity = copy.pragma('integrity_check', { simple: true });
		if (integrity !== 'ok') throw new Error(`the copy fails integrity_check: ${String(integrity)}`);
		const actual = tableCounts(copy);
		for (const [table, rows] of Object.entries(expected)) {
			if (actual[table] !== rows)
				throw new Error(`the copy has ${actual[table] ?? 'no'} rows in ${table}, the source ${rows}`);
		}
		const extra = Object.keys(actual).filter((t) => !(t in expected));
		if (extra.length) throw new Error(`the copy has tables the source lacks: ${extra.join(', ')}`);
	} finally {
		copy.close();
	}
}

/** Removes a partial copy and any journal SQLite left beside it. */
export function removeSqliteFile(file: string): void {
	for (const suffix of ['', '-journal', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
}

/**
 * A consistent copy of a live database, safe while the server writes to it. It is written to a
 * hidden `.<name>.partial` beside the target, checked (integrity_check, and each table's row count
 * against the source's in the same read transaction), and only then renamed to `target`; on any
 * failure the partial file is removed and the error thrown, so `target` is always a good copy.
 */
export async function backupSqlite(source: string, target: string): Promise<SqliteBackup> {
	const started = performance.now();
	const dir = path.dirname(target);
	fs.mkdirSync(dir, { recursive: true });
	if (fs.existsSync(target)) throw new Error(`${target} already exists`);
	const partial = path.join(dir, `.${path.basename(target)}.partial`);
	removeSqliteFile(partial);
	try {
		const raw = new SQLite(source, { readonly: true, fileMustExist: true });
		let rows: Record<string, number>;
		try {
			raw.pragma('busy_timeout = 5000');
			// Held open across the counts and the copy, so both see one snapshot and other
			// connections' commits cannot restart the copy.
			raw.exec('BEGIN');
			rows = tableCounts(raw);
			await raw.backup(partial, { progress: () => ALL_PAGES });
			raw.exec('COMMIT');
		} finally {
			raw.close();
		}
		verifyCopy(partial, rows);
		const fd = fs.openSync(partial, 'r');
		try {
			fs.fsyncSync(fd);
		} finally {
			fs.closeSync(fd);
		}
		fs.renameSync(partial, target);
		return { bytes: fs.statSync(target).size, ms: Math.round(performance.now() - started), rows };
	} catch (e) {
		removeSqliteFile(partial);
		throw e;
	}
}
