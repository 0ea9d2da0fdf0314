import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen once landed. Quarterly reports generated in the background: who asked for which region
// and quarter, how far generation has got, and the files it left under REPORT_DIR.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function idType(db: Kysely<any>) {
	return db.getExecutor().adapter instanceof PostgresAdapter ? 'serial' : 'integer';
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('reports')
		.addColumn('id', idType(db), (c) => c.primaryKey().autoIncrement())
		.addColumn('region_code', 'varchar(12)', (c) => c.notNull())
		// 2026-Q3
		.addColumn('quarter', 'varchar(8)', (c) => c.notNull())
		.addColumn('locale', 'varchar(8)', (c) => c.notNull())
		.addColumn('issuer', 'varchar(200)', (c) => c.notNull())
		.addColumn('title', 'varchar(300)')
		// queued, running, done or failed
		.addColumn('status', 'varchar(16)', (c) => c.notNull())
		.addColumn('progress', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('error', 'text')
		// JSON: the files written, name → bytes
		.addColumn('files', 'text')
		.addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
		.addColumn('created_at', 'varchar(32)', (c) => c.notNull())
		.addColumn('started_at', 'varchar(32)')
		.addColumn('finished_at', 'varchar(32)')
		.execute();
	await db.schema
		.createIndex('reports_region')
		.on('reports')
		.columns(['region_code', 'created_at'])
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('reports').execute();
}
