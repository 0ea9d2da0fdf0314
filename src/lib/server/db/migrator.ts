import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FileMigrationProvider, Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './index';

/** Migrations bundled by Vite: the built server carries them, so start-up needs no .ts loader. */
export const bundledMigrations: MigrationProvider = {
	async getMigrations() {
		const modules = import.meta.glob<Migration>('../../../../migrations/*.ts', { eager: true });
		const migrations: Record<string, Migration> = {};
		for (const [file, mod] of Object.entries(modules)) {
			migrations[path.basename(file, '.ts')] = mod;
		}
		return migrations;
	}
};

/** Migrations read from the folder, for the CLI tools that run under tsx. */
export function folderMigrations(folder = path.resolve('migrations')): MigrationProvider {
	return new FileMigrationProvider({ fs, path, migrationFolder: folder });
}

export async function migrateToLatest(db: Db, provider: MigrationProvider): Promise<string[]> {
	const migrator = new Migrator({ db, provider });
	const { error, results } = await migrator.migrateToLatest();
	if (error) throw error instanceof Error ? error : new Error(String(error));
	return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
