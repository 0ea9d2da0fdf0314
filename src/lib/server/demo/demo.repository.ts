// The few statements the demo seed makes itself; everything else goes through the services.
import type { Db } from '../db';

/** The first published checklist version: the default template's, on a fresh database. */
export async function findFirstPublishedVersionId(db: Db): Promise<number> {
	const row = await db
		.selectFrom('template_versions')
		.select('id')
		.where('status', '=', 'published')
		.orderBy('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

/** Marks the database as a demo one, which `npm run demo` may throw away and make again. */
export async function insertDemoMarker(db: Db, key: string, at: string): Promise<void> {
	await db.insertInto('app_settings').values({ key, value: at }).execute();
}
