import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen: never edit after it has landed; add a new migration instead.
// Times are ISO-8601 UTC text, booleans are integers 0/1 (see src/lib/server/db/schema.ts).

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function idType(db: Kysely<any>) {
	return db.getExecutor().adapter instanceof PostgresAdapter ? 'serial' : 'integer';
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('regions')
		.addColumn('code', 'varchar(12)', (c) => c.primaryKey())
		.addColumn('parent_code', 'varchar(12)', (c) => c.references('regions.code'))
		.addColumn('level', 'integer', (c) => c.notNull())
		.addColumn('name', 'varchar(200)', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('regions_parent_idx').on('regions').column('parent_code').execute();
	await db.schema.createIndex('regions_name_idx').on('regions').column('name').execute();

	await db.schema
		.createTable('points')
		.addColumn('id', idType(db), (c) => c.primaryKey().autoIncrement())
		.addColumn('region_code', 'varchar(12)', (c) => c.notNull().unique().references('regions.code'))
		.addColumn('type', 'varchar(16)', (c) => c.notNull())
		.addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
		.addColumn('contact_name', 'varchar(100)')
		.addColumn('contact_phone', 'varchar(40)')
		.addColumn('created_at', 'varchar(32)', (c) => c.notNull())
		.addColumn('deactivated_at', 'varchar(32)')
		.execute();

	await db.schema
		.createTable('users')
		.addColumn('id', idType(db), (c) => c.primaryKey().autoIncrement())
		.addColumn('username', 'varchar(64)', (c) => c.notNull().unique())
		.addColumn('display_name', 'varchar(100)', (c) => c.notNull())
		.addColumn('role', 'varchar(16)', (c) => c.notNull())
		.addColumn('region_code', 'varchar(12)', (c) => c.references('regions.code'))
		.addColumn('point_id', 'integer', (c) => c.references('points.id'))
		.addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
		.addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(1))
		.addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
		.addColumn('created_at', 'varchar(32)', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('sessions')
		// SHA-256 (hex) of the cookie token, so a leaked table cannot be replayed.
		.addColumn('id', 'varchar(64)', (c) => c.primaryKey())
		.addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
		.addColumn('created_at', 'varchar(32)', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

	await db.schema
		.createTable('audit_log')
		.addColumn('id', idType(db), (c) => c.primaryKey().autoIncrement())
		.addColumn('at', 'varchar(32)', (c) => c.notNull())
		.addColumn('user_id', 'integer', (c) => c.references('users.id'))
		.addColumn('action', 'varchar(40)', (c) => c.notNull())
		.addColumn('entity_type', 'varchar(40)', (c) => c.notNull())
		.addColumn('entity_id', 'varchar(64)')
		.addColumn('changes', 'text')
		.addColumn('ip', 'varchar(64)')
		.execute();
	await db.schema
		.createIndex('audit_entity_idx')
		.on('audit_log')
		.columns(['entity_type', 'entity_id'])
		.execute();
	await db.schema.createIndex('audit_at_idx').on('audit_log').column('at').execute();

	await db.schema
		.createTable('sign_in_throttle')
		.addColumn('key', 'varchar(200)', (c) => c.primaryKey())
		.addColumn('failures', 'integer', (c) => c.notNull())
		.addColumn('last_failure_at', 'varchar(32)', (c) => c.notNull())
		.addColumn('locked_until', 'varchar(32)')
		.execute();

	await db.schema
		.createTable('app_settings')
		.addColumn('key', 'varchar(64)', (c) => c.primaryKey())
		.addColumn('value', 'text', (c) => c.notNull())
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	for (const table of [
		'app_settings',
		'sign_in_throttle',
		'audit_log',
		'sessions',
		'users',
		'points',
		'regions'
	]) {
		await db.schema.dropTable(table).execute();
	}
}
