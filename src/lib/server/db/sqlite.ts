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
	return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) }), raw };
}

/** A consistent copy of a live database, safe while the server writes to it. */
export async function backupSqlite(source: string, target: string): Promise<void> {
	fs.mkdirSync(path.dirname(target), { recursive: true });
	const raw = new SQLite(source, { readonly: true, fileMustExist: true });
	try {
		raw.pragma('busy_timeout = 5000');
		await raw.backup(target);
	} finally {
		raw.close();
	}
}
