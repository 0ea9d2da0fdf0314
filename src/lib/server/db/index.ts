import type { Kysely } from 'kysely';
import { config } from '../config';
import type { Database } from './schema';
import { openSqlite } from './sqlite';

export type Db = Kysely<Database>;

let instance: Db | undefined;

/** The application database, opened on first use at DATABASE_PATH. */
export function db(): Db {
	instance ??= openSqlite(config.databasePath).db;
	return instance;
}

/** Points the app at another database (tests, CLI tools). */
export function useDatabase(next: Db): void {
	instance = next;
}

export function now(): string {
	return new Date().toISOString();
}
