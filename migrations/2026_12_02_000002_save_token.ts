import type { Kysely } from 'kysely';

// Frozen once landed. The token of the last save applied to a submission, so a phone that lost the
// answer to its save and sends it again is told it landed instead of being refused as stale.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('submissions').addColumn('save_token', 'text').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('submissions').dropColumn('save_token').execute();
}
