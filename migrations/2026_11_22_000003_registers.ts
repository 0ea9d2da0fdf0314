import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen once landed. Catalogues (signboard categories, certificate items), a point's three
// registers (signboards with their events, certificate items with counts per period,
// secondment cases) and evidence photos.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function idType(db: Kysely<any>) {
	return db.getExecutor().adapter instanceof PostgresAdapter ? 'serial' : 'integer';
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('signboard_categories')
		.addColumn('id', idType(db), (c) => c.primaryKey().autoIncrement())
		.addColumn('name', 'varchar(200)', (c) => c.notNull().unique())
		// cancelled (取消) or kept (规范保留)
		.addColumn('status', 'varchar(16)', (c) => c.notNull())
		// exterior (外挂标牌), interior (室内门牌) or wall (上墙制度)
		.addColumn('placement', 'varchar(16)', (c) => c.notNull())
		.addColumn('note', 'text')
		.addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
		.addColumn('created_at', 'varchar(32)', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('certificate_items')
		.addColumn('id', idType(db), (c) => c.primaryKey().autoIncrement())
		.addColumn('name', 'varchar(200)', (c) => c.notNull().unique())
		// cancelled (取消) or retained (保留)
		.addColumn('status', 'varchar(16)', (c) => c.notNull())
		.addColumn('basis', 'text')
		.addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
		.addColumn('created_at', 'varchar(32)', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('photos')
		.addColumn('id', idType(db), (c) => c.primaryKey().autoIncrement())
		.addColumn('point_id', 'integer', (c) => c.notNull().references('points.id'))
		// A random name under the data folder; never the uploaded file's name.
		.addColumn('file_name', 'varchar(80)', (c) => c.notNull().unique())
		.addColumn('mime', 'varchar(32)', (c) => c.notNull())
		.addColumn('bytes', 'integer', (c) => c.notNull())
		.addColumn('created_by', 'integer', (c) => c.references('users.id'))
		.addColumn('created_at', 'varchar(32)', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('signboards')
		.addColumn('id', idType(db), (c) => c.primaryKey().autoIncrement())
		.addColumn('point_id', 'integer', (c) => c.notNull().references('points.id'))
		.addColumn('category_id', 'integer', (c) => c.notNull().references('signboard_categories.id'))
		// The plate's text as written on it.
		.addColumn('text', 'varchar(200)', (c) => c.notNull())
		.addColumn('placement', 'varchar(16)', (c) => c.notNull())
		.addColumn('department', 'varchar(200)')
		// hung or removed: the latest event decides it.
		.addColumn('state', 'varchar(16)', (c) => c.notNull())
		.addColumn('created_at', 'varchar(32)', (c) => c.notNull())
		.addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('signboards_point_idx').on('signboards').column('point_id').execute();

	await db.schema
		.createTable('signboard_events')
		.addColumn('id', idType(db), (c) => c.primaryKey().autoIncrement())
		.addColumn('signboard_id', 'integer', (c) => c.notNull().references('signboards.id'))
		// hung (first recorded), removed, rehung (hung again after removal: a rebound)
		.addColumn('kind', 'varchar(16)', (c) => c.notNull())
		.addColumn('on_date', 'varchar(10)', (c) => c.notNull())
		.addColumn('photo_id', 'integer', (c) => c.references('photos.id'))
		.addColumn('note', 'text')
		.addColumn('created_by', 'integer', (c) => c.references('users.id'))
		.addColumn('created_at', 'varchar(32)', (c) => c.notNull())
		.execute();
	await db.schema
		.createIndex('signboard_events_board_idx')
		.on('signboard_events')
		.column('signboard_id')
		.execute();

	await db.schema
		.createTable('point_certificates')
		.addColumn('point_id', 'integer', (c) => c.notNull().references('points.id'))
		.addColumn('item_id', 'integer', (c) => c.notNull().references('certificate_items.id'))
		// issuing or stopped
		.addColumn('status', 'varchar(16)', (c) => c.notNull())
		.addColumn('since', 'varchar(10)', (c) => c.notNull())
		.addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
		.addPrimaryKeyConstraint('point_certificates_pk', ['point_id', 'item_id'])
		.execute();

	await db.schema
		.createTable('certificate_counts')
		.addColumn('point_id', 'integer', (c) => c.notNull().references('points.id'))
		.addColumn('item_id', 'integer', (c) => c.notNull().references('certificate_items.id'))
		// A reporting period: first and last day (a month or a quarter).
		.addColumn('period_start', 'varchar(10)', (c) => c.notNull())
		.addColumn('period_end', 'varchar(10)', (c) => c.notNull())
		.addColumn('issued', 'integer', (c) => c.notNull())
		.addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
		.addPrimaryKeyConstraint('certificate_counts_pk', ['point_id', 'item_id', 'period_start'])
		.execute();

	await db.schema
		.createTable('secondments')
		.addColumn('id', idType(db), (c) => c.primaryKey().autoIncrement())
		.addColumn('point_id', 'integer', (c) => c.notNull().references('points.id'))
		.addColumn('person_name', 'varchar(100)', (c) => c.notNull())
		.addColumn('post', 'varchar(100)')
		.addColumn('borrowing_unit', 'varchar(200)', (c) => c.notNull())
		.addColumn('start_date', 'varchar(10)', (c) => c.notNull())
		.addColumn('expected_end', 'varchar(10)')
		.addColumn('return_date', 'varchar(10)')
		// Went through the county's approval (准入) procedure, with its reference.
		.addColumn('approved', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('approval_ref', 'varchar(100)')
		.addColumn('created_at', 'varchar(32)', (c) => c.notNull())
		.addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('secondments_point_idx').on('secondments').column('point_id').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	for (const table of [
		'secondments',
		'certificate_counts',
		'point_certificates',
		'signboard_events',
		'signboards',
		'photos',
		'certificate_items',
		'signboard_categories'
	]) {
		await db.schema.dropTable(table).execute();
	}
}
