import type { Kysely } from 'kysely';

// Frozen once landed. Limits on pending reports count a user's and a region's queued and running
// rows on every request, and the retention clean-up looks for old finished ones: both by status.
// A report whose files were deleted is kept with status 'expired'; the limits and the retention
// period live in app_settings (report_settings), with defaults in code.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.createIndex('reports_status').on('reports').columns(['status', 'created_by']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropIndex('reports_status').execute();
}
