import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useDatabase, type Db } from '../../src/lib/server/db';
import { bundledMigrations, migrateToLatest } from '../../src/lib/server/db/migrator';
import { openSqlite } from '../../src/lib/server/db/sqlite';

/** A fresh, migrated SQLite file in a temp folder; the app's db() points at it. */
export async function freshDatabase(): Promise<{ db: Db; file: string; close: () => Promise<void> }> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jfgc-test-'));
	const file = path.join(dir, 'test.db');
	const { db } = openSqlite(file);
	await migrateToLatest(db, bundledMigrations);
	useDatabase(db);
	return {
		db,
		file,
		close: async () => {
			await db.destroy();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	};
}

/** Every point's kept rows, in one order: to compare the figures before and after a rebuild. */
export const keptPointRows = (db: Db) =>
	db
		.selectFrom('point_indicators')
		.selectAll()
		.orderBy('point_id')
		.orderBy('period_key')
		.orderBy('indicator')
		.execute();
