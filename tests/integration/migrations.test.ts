import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { bundledMigrations, migrateToLatest } from '../../src/lib/server/db/migrator';
import { openSqlite } from '../../src/lib/server/db/sqlite';

// The foundation's tables; later migrations may add more.
const TABLES = ['app_settings', 'audit_log', 'points', 'regions', 'sessions', 'sign_in_throttle', 'users'];

let dir: string;
const opened: Db[] = [];

function emptyDatabase(name: string): Db {
	const { db } = openSqlite(path.join(dir, name));
	opened.push(db);
	return db;
}

async function tableNames(db: Db): Promise<string[]> {
	const { rows } = await sql<{ name: string }>`
		select name from sqlite_master
		where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'
		order by name`.execute(db);
	return rows.map((r) => r.name);
}

async function schemaOf(db: Db): Promise<string[]> {
	const { rows } = await sql<{ sql: string }>`
		select sql from sqlite_master
		where sql is not null and name not like 'kysely_%' order by name`.execute(db);
	return rows.map((r) => r.sql);
}

beforeAll(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jfgc-migrations-'));
});

afterAll(async () => {
	for (const db of opened) await db.destroy();
	fs.rmSync(dir, { recursive: true, force: true });
});

describe('migrations', () => {
	let db: Db;
	let applied: string[];

	beforeAll(async () => {
		db = emptyDatabase('bundled.db');
		applied = await migrateToLatest(db, bundledMigrations);
	});

	it('build every table from an empty file', async () => {
		expect(applied.length).toBeGreaterThan(0);
		expect(await tableNames(db)).toEqual(expect.arrayContaining(TABLES));
	});

	it('apply nothing when run a second time', async () => {
		const before = await schemaOf(db);
		expect(await migrateToLatest(db, bundledMigrations)).toEqual([]);
		expect(await schemaOf(db)).toEqual(before);
	});

	// folderMigrations loads .ts files with a native import, which only works under tsx: it is
	// exercised the way the CLI tools use it (src/cli/shared.ts), in a child process.
	function migrateWithCli(file: string): string {
		return execFileSync(path.resolve('node_modules/.bin/tsx'), ['src/cli/migrate.ts'], {
			env: { ...process.env, DATABASE_PATH: file },
			encoding: 'utf8'
		});
	}

	it('give the same migrations from the bundle and from the folder, and the same schema', async () => {
		const bundled = Object.keys(await bundledMigrations.getMigrations()).sort();
		expect(bundled).toEqual(applied);
		const files = fs.readdirSync(path.resolve('migrations')).filter((f) => f.endsWith('.ts'));
		expect(bundled).toEqual(files.map((f) => path.basename(f, '.ts')).sort());

		const file = path.join(dir, 'folder.db');
		const first = migrateWithCli(file);
		expect(first).toContain(`applied: ${bundled.join(', ')}`);
		expect(migrateWithCli(file)).toContain('database is up to date');

		const fromFolder = openSqlite(file).db;
		opened.push(fromFolder);
		expect(await schemaOf(fromFolder)).toEqual(await schemaOf(db));
		const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
			fromFolder
		);
		expect(rows.map((r) => r.name)).toEqual(bundled);
	});

	it('refuse a point for a region that does not exist', async () => {
		await expect(
			db
				.insertInto('points')
				.values({ region_code: '640104001001', type: 'village', created_at: new Date().toISOString() })
				.execute()
		).rejects.toThrow(/FOREIGN KEY/);
		expect(await db.selectFrom('points').select('id').execute()).toEqual([]);
	});

	it('refuse a region whose parent does not exist, and a session for an unknown user', async () => {
		await expect(
			db.insertInto('regions').values({ code: '6401', parent_code: '64', level: 2, name: '银川市' }).execute()
		).rejects.toThrow(/FOREIGN KEY/);
		await expect(
			db
				.insertInto('sessions')
				.values({
					id: 'x',
					user_id: 999,
					expires_at: new Date().toISOString(),
					created_at: new Date().toISOString()
				})
				.execute()
		).rejects.toThrow(/FOREIGN KEY/);
	});

	it('refuse a second point on the same village', async () => {
		await db
			.insertInto('regions')
			.values({ code: '64', parent_code: null, level: 1, name: '宁夏回族自治区' })
			.execute();
		const at = new Date().toISOString();
		await db.insertInto('points').values({ region_code: '64', type: 'village', created_at: at }).execute();
		await expect(
			db.insertInto('points').values({ region_code: '64', type: 'community', created_at: at }).execute()
		).rejects.toThrow(/UNIQUE/);
	});
});
