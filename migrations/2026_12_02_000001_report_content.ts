import type { Kysely } from 'kysely';

// Frozen once landed. A finished report keeps its words (the title page and the numbered sections,
// with each chart's figures) as JSON, so the print view shows the report the files hold rather
// than working it out again. Reports finished before this have none, and no print view.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('reports').addColumn('content', 'text').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('reports').dropColumn('content').execute();
}
