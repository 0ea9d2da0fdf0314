// Dated backups in one folder: `app-YYYY-MM-DD-HHMMSS.db`, the newest N kept. Hidden `.partial`
// files are copies still being written (or left by a killed run); they are never a backup.
import fs from 'node:fs';
import path from 'node:path';
import { backupSqlite, removeSqliteFile, type SqliteBackup } from './sqlite';

const DATED = /^app-\d{4}-\d{2}-\d{2}-\d{6}\.db$/;
const PARTIAL = /^\.app-.*\.partial(-journal|-wal|-shm)?$/;

export interface BackupReport extends SqliteBackup {
	file: string;
	/** Stale partial files and rotated-out backups, by name. */
	removed: string[];
}

/** `app-2026-05-01-083000.db` for 08:30:00 UTC; names sort in time order. */
export function backupName(at: Date): string {
	const stamp = at.toISOString().replace(/[:.]/g, '').replace('T', '-').slice(0, 17);
	return `app-${stamp}.db`;
}

/** The dated backups in `dir`, oldest first. */
export function listBackups(dir: string): string[] {
	if (!fs.existsSync(dir)) return [];
	return fs
		.readdirSync(dir)
		.filter((n) => DATED.test(n))
		.sort();
}

function removeStalePartials(dir: string): string[] {
	const stale = fs.readdirSync(dir).filter((n) => PARTIAL.test(n));
	for (const name of stale) removeSqliteFile(path.join(dir, name));
	return stale;
}

function rotate(dir: string, keep: number): string[] {
	const old = listBackups(dir).slice(0, -keep);
	for (const name of old) fs.rmSync(path.join(dir, name), { force: true });
	return old;
}

/**
 * Cleans up after any killed run, writes a verified backup of `source` into `dir` and then
 * deletes all but the newest `keep` dated backups. Throws, leaving no partial file, on failure;
 * the older backups are then left as they were.
 */
export async function runBackup(options: {
	source: string;
	dir: string;
	keep: number;
	now?: Date;
}): Promise<BackupReport> {
	if (!Number.isInteger(options.keep) || options.keep < 1) throw new Error('keep must be at least 1');
	fs.mkdirSync(options.dir, { recursive: true });
	const stale = removeStalePartials(options.dir);
	const file = path.join(options.dir, backupName(options.now ?? new Date()));
	const copy = await backupSqlite(options.source, file);
	return { ...copy, file, removed: [...stale, ...rotate(options.dir, options.keep)] };
}
