// Opening the database for command-line tools: same file and migrations as the server.
import { config } from '../lib/server/config';
import { folderMigrations, migrateToLatest } from '../lib/server/db/migrator';
import { openSqlite } from '../lib/server/db/sqlite';
import { ensureDefaultTemplate } from '../lib/server/checklists/templates.service';
import { ensureStarterCatalogues } from '../lib/server/registers/catalogues.service';

export async function openMigrated(file = config.databasePath) {
	const { db } = openSqlite(file);
	const applied = await migrateToLatest(db, folderMigrations());
	await ensureDefaultTemplate(db);
	await ensureStarterCatalogues(db);
	return { db, applied };
}

export function argValue(name: string): string | undefined {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? process.argv[i + 1] : undefined;
}

export function fail(message: string): never {
	console.error(message);
	process.exit(1);
}

/** How `npm start` runs the built app: adapter-node's handler behind src/cli/serve.ts. */
export const SERVE_ARGS = ['--import', 'tsx', 'src/cli/serve.ts'];
