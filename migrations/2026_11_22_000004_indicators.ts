import type { Kysely } from 'kysely';

// Frozen once landed. Kept indicator figures: one row per point, period and indicator, and the
// same summed over every region above the point, so a region's trend is a read of its own rows
// whatever the size of its subtree. Kept current in the transaction that changes a source.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('indicator_periods')
		.addColumn('key', 'varchar(32)', (c) => c.primaryKey())
		.addColumn('kind', 'varchar(16)', (c) => c.notNull())
		.addColumn('start_date', 'varchar(10)', (c) => c.notNull())
		.addColumn('end_date', 'varchar(10)', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('point_indicators')
		.addColumn('point_id', 'integer', (c) => c.notNull().references('points.id'))
		.addColumn('period_key', 'varchar(32)', (c) => c.notNull())
		.addColumn('indicator', 'varchar(40)', (c) => c.notNull())
		// The point's region, repeated so a subtree's rebounds are one index range in code order.
		.addColumn('region_code', 'varchar(12)', (c) => c.notNull())
		.addColumn('value', 'double precision', (c) => c.notNull())
		// The best value since the baseline and where it was: the "from" of a rebound.
		.addColumn('best', 'double precision')
		.addColumn('best_period', 'varchar(32)')
		// holding, rebounding, or null (before the baseline)
		.addColumn('status', 'varchar(16)')
		.addColumn('submission_id', 'integer')
		.addPrimaryKeyConstraint('point_indicators_pk', ['point_id', 'period_key', 'indicator'])
		.execute();
	await db.schema
		.createIndex('point_indicators_rebounds')
		.on('point_indicators')
		.columns(['period_key', 'status', 'region_code'])
		.execute();

	await db.schema
		.createTable('region_indicators')
		.addColumn('region_code', 'varchar(12)', (c) => c.notNull())
		.addColumn('period_key', 'varchar(32)', (c) => c.notNull())
		.addColumn('indicator', 'varchar(40)', (c) => c.notNull())
		.addColumn('total', 'double precision', (c) => c.notNull().defaultTo(0))
		.addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('holding', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('rebounding', 'integer', (c) => c.notNull().defaultTo(0))
		.addPrimaryKeyConstraint('region_indicators_pk', ['region_code', 'period_key', 'indicator'])
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('region_indicators').execute();
	await db.schema.dropTable('point_indicators').execute();
	await db.schema.dropTable('indicator_periods').execute();
}
