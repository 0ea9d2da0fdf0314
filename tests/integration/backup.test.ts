// The backup under load: another connection keeps committing rows while it runs, as a busy
// server's would. The old 100-page stepping restarted on every such commit and never finished.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupSqlite } from '../../src/lib/server/db/sqlite';
import { backupName, runBackup } from '../../src/lib/server/db/backups';

const driver = createRequire(import.meta.url).resolve('better-sqlite3');
let dir: string;

beforeAll(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jfgc-backup-'));
});
afterAll(() => {
	fs.rmSync(dir, { recursive: true, force: true });
});

/** A WAL database of about `mb` MB in one table, so a 100-page step covers a small part of it. */
function sourceDatabase(name: string, mb: number): string {
	const file = path.join(dir, name);
	const db = new SQLite(file);
	db.pragma('journal_mode = WAL');
	db.exec('create table notes (id integer primary key autoincrement, body text not null)');
	db.exec('create table other (id integer primary key)');
	db.exec('insert into other (id) values (1), (2), (3)');
	const insert = db.prepare('insert into notes (body) values (?)');
	const rows = Math.ceil((mb * 1024 * 1024) / 420);
	db.transaction(() => {
		for (let i = 0; i < rows; i++) insert.run(`${i} `.padEnd(400, 'x'));
	})();
	db.close();
	return file;
}

// A worker thread, so the commits really land between (and during) the backup's steps: one row
// per transaction, as each submission is, about every millisecond. Automatic checkpoints are off
// only so that their pauses cannot leave the old stepping a lucky quiet gap to finish in.
const WRITER = `
const { workerData, parentPort } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');
db.pragma('wal_autocheckpoint = 0');
const insert = db.prepare('insert into notes (body) values (?)');
const stop = new Int32Array(workerData.stop);
const pause = new Int32Array(new SharedArrayBuffer(4));
let n = 0;
while (Atomics.load(stop, 0) === 0) {
	insert.run('written during the backup');
	if (++n === 200) parentPort.postMessage('writing');
	Atomics.wait(pause, 0, 0, 1);
}
db.close();
parentPort.postMessage(n);
`;

function startWriter(file: string) {
	const stop = new SharedArrayBuffer(4);
	const worker = new Worker(WRITER, { eval: true, workerData: { driver, file, stop } });
	const messages: unknown[] = [];
	const writing = new Promise<void>((resolve, reject) => {
		worker.on('message', (m) => {
			messages.push(m);
			if (m === 'writing') resolve();
		});
		worker.on('error', reject);
	});
	const finished = new Promise<number>((resolve, reject) => {
		worker.on('error', reject);
		worker.on('exit', () => resolve(messages.find((m) => typeof m === 'number') as number));
	});
	return {
		writing,
		stop: () => {
			Atomics.store(new Int32Array(stop), 0, 1);
			return finished;
		}
	};
}

/** Rejects after `ms` instead of hanging the run when the backup never finishes. */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const limit = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`backup did not finish within ${ms} ms`)), ms);
	});
	return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

const scalar = (db: SQLite.Database, query: string) => db.prepare(query).pluck().get() as number;

function readOnly<T>(file: string, read: (db: SQLite.Database) => T): T {
	const db = new SQLite(file, { readonly: true, fileMustExist: true });
	try {
		return read(db);
	} finally {
		db.close();
	}
}

describe('backupSqlite under load', () => {
	it('finishes while another connection keeps writing, with every row committed before it', async () => {
		const source = sourceDatabase('busy.db', 24);
		const target = path.join(dir, 'out', 'busy-copy.db');
		const writer = startWriter(source);
		let committedBefore = 0;
		try {
			await writer.writing;
			committedBefore = readOnly(source, (db) => scalar(db, 'select max(id) from notes'));
			await within(20_000, backupSqlite(source, target));
		} finally {
			const written = await writer.stop();
			expect(written).toBeGreaterThan(200);
		}
		readOnly(target, (copy) => {
			expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
			// One self-contained file, not a WAL database that wants its -wal beside it.
			expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
			const rows = scalar(copy, 'select count(*) from notes');
			// Every row committed before the backup, and no gap: one consistent snapshot.
			expect(rows).toBeGreaterThanOrEqual(committedBefore);
			expect(scalar(copy, 'select max(id) from notes')).toBe(rows);
			expect(scalar(copy, 'select count(*) from other')).toBe(3);
		});
		expect(fs.readdirSync(path.dirname(target))).toEqual(['busy-copy.db']);
	}, 40_000);

	it('refuses to overwrite, and leaves no partial file when the copy fails', async () => {
		const out = path.join(dir, 'failing');
		fs.mkdirSync(out);
		const notDatabase = path.join(dir, 'not-a-database.db');
		fs.writeFileSync(notDatabase, 'just some text, not SQLite '.repeat(200));
		await expect(backupSqlite(notDatabase, path.join(out, 'x.db'))).rejects.toThrow();
		await expect(backupSqlite(path.join(dir, 'missing.db'), path.join(out, 'y.db'))).rejects.toThrow();
		fs.writeFileSync(path.join(out, 'z.db'), 'an earlier backup');
		await expect(backupSqlite(sourceDatabase('small.db', 1), path.join(out, 'z.db'))).rejects.toThrow(
			/already exists/
		);
		expect(fs.readdirSync(out)).toEqual(['z.db']);
		expect(fs.readFileSync(path.join(out, 'z.db'), 'utf8')).toBe('an earlier backup');
	});
});

describe('runBackup', () => {
	it('removes a killed run’s partial files, writes a dated copy and keeps the newest N', async () => {
		const source = sourceDatabase('rotated.db', 1);
		const out = path.join(dir, 'backups');
		fs.mkdirSync(out);
		const older = ['2026-01-01-000000', '2026-01-02-000000', '2026-01-03-000000', '2026-01-04-000000'];
		for (const stamp of older) fs.writeFileSync(path.join(out, `app-${stamp}.db`), stamp);
		// What a run killed mid-copy leaves: a half-written copy and its hot journal.
		fs.writeFileSync(path.join(out, '.app-2026-01-05-000000.db.partial'), 'half a copy');
		fs.writeFileSync(path.join(out, '.app-2026-01-05-000000.db.partial-journal'), 'hot journal');
		fs.writeFileSync(path.join(out, 'notes.txt'), 'not ours');

		const now = new Date('2026-02-01T08:30:00.123Z');
		const report = await runBackup({ source, dir: out, keep: 3, now });
		expect(backupName(now)).toBe('app-2026-02-01-083000.db');
		expect(report.file).toBe(path.join(out, 'app-2026-02-01-083000.db'));
		expect(report.rows).toMatchObject({ notes: expect.any(Number), other: 3 });
		expect(report.bytes).toBe(fs.statSync(report.file).size);
		expect(fs.readdirSync(out).sort()).toEqual([
			'app-2026-01-03-000000.db',
			'app-2026-01-04-000000.db',
			'app-2026-02-01-083000.db',
			'notes.txt'
		]);
		expect(report.removed.sort()).toEqual([
			'.app-2026-01-05-000000.db.partial',
			'.app-2026-01-05-000000.db.partial-journal',
			'app-2026-01-01-000000.db',
			'app-2026-01-02-000000.db'
		]);
		readOnly(report.file, (copy) => {
			expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
			expect(scalar(copy, 'select count(*) from other')).toBe(3);
		});
	});

	it('keeps the older backups when a run fails', async () => {
		const out = path.join(dir, 'kept');
		fs.mkdirSync(out);
		for (const d of ['01', '02']) fs.writeFileSync(path.join(out, `app-2026-01-${d}-000000.db`), d);
		await expect(runBackup({ source: path.join(dir, 'missing.db'), dir: out, keep: 1 })).rejects.toThrow();
		expect(fs.readdirSync(out).sort()).toEqual(['app-2026-01-01-000000.db', 'app-2026-01-02-000000.db']);
	});
});
