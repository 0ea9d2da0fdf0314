import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen once landed. The statistical rebound rule: each kept row says why it holds, needs
// watching or has rebounded (the usual level, the limit, the judged figure and how many periods it
// covers); a point's overall row keeps its status under each sensitivity, so an admin sees what a
// choice would flag before saving it; regions count the points watched. A second pair of kept
// tables receives a rebuild in the background, chunk by chunk, and is swapped in when complete;
// rebuild jobs say how far one has got. The old figures were made by the old rule, so they are
// cleared and a rebuild is queued: the server builds them at start-up.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

const idType = (db: AnyDb) => (db.getExecutor().adapter instanceof PostgresAdapter ? 'serial' : 'integer');

async function keptTables(db: AnyDb, point: string, region: string, index: string) {
	await db.schema
		.createTable(point)
		.addColumn('point_id', 'integer', (c) => c.notNull().references('points.id'))
		.addColumn('period_key', 'varchar(32)', (c) => c.notNull())
		.addColumn('indicator', 'varchar(40)', (c) => c.notNull())
		.addColumn('region_code', 'varchar(12)', (c) => c.notNull())
		.addColumn('value', 'double precision', (c) => c.notNull())
		// holding, watch, rebounding, or null (before and at the baseline, a missed period)
		.addColumn('status', 'varchar(16)')
		.addColumn('reason', 'varchar(20)')
		.addColumn('level', 'double precision')
		.addColumn('upper', 'double precision')
		.addColumn('recent', 'double precision')
		.addColumn('span', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('history', 'integer', (c) => c.notNull().defaultTo(0))
		// Overall rows only: the status under 较敏感, 标准, 较稳健 as h/w/r/-.
		.addColumn('statuses', 'varchar(3)')
		.addColumn('submission_id', 'integer')
		.addPrimaryKeyConstraint(`${point}_pk`, ['point_id', 'period_key', 'indicator'])
		.execute();
	await db.schema.createIndex(index).on(point).columns(['period_key', 'status', 'region_code']).execute();
	await db.schema
		.createTable(region)
		.addColumn('region_code', 'varchar(12)', (c) => c.notNull())
		.addColumn('period_key', 'varchar(32)', (c) => c.notNull())
		.addColumn('indicator', 'varchar(40)', (c) => c.notNull())
		.addColumn('total', 'double precision', (c) => c.notNull().defaultTo(0))
		.addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('holding', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('watching', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('rebounding', 'integer', (c) => c.notNull().defaultTo(0))
		.addPrimaryKeyConstraint(`${region}_pk`, ['region_code', 'period_key', 'indicator'])
		.execute();
}

export async function up(db: AnyDb): Promise<void> {
	await db.schema.dropTable('region_indicators').execute();
	await db.schema.dropTable('point_indicators').execute();
	await keptTables(db, 'point_indicators', 'region_indicators', 'point_indicators_rebounds');
	await keptTables(db, 'point_indicators_next', 'region_indicators_next', 'point_indicators_next_rebounds');

	await db.schema
		.createTable('rebuilds')
		.addColumn('id', idType(db), (c) => c.primaryKey().autoIncrement())
		// JSON: the rule the rebuild applies; it becomes the rule in force when the rebuild completes
		.addColumn('rule', 'text', (c) => c.notNull())
		// queued, running, done, failed, or superseded by a later one
		.addColumn('status', 'varchar(16)', (c) => c.notNull())
		// Points are taken in id order: those up to here are in the next tables.
		.addColumn('done_through', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('done_points', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('total_points', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('reason', 'varchar(32)', (c) => c.notNull())
		.addColumn('error', 'text')
		.addColumn('created_by', 'integer', (c) => c.references('users.id'))
		.addColumn('created_at', 'varchar(32)', (c) => c.notNull())
		.addColumn('started_at', 'varchar(32)')
		.addColumn('finished_at', 'varchar(32)')
		.execute();

	const setting = await db
		.selectFrom('app_settings')
		.select('value')
		.where('key', '=', 'trend_rule')
		.executeTakeFirst();
	let baselinePeriod: string | null;
	try {
		baselinePeriod = setting ? ((JSON.parse(setting.value).baselinePeriod as string | null) ?? null) : null;
	} catch {
		baselinePeriod = null;
	}
	const rule = JSON.stringify({ baselinePeriod, sensitivity: 'standard' });
	await db
		.insertInto('app_settings')
		.values({ key: 'trend_rule', value: rule })
		.onConflict((oc) => oc.column('key').doUpdateSet({ value: rule }))
		.execute();
	const anyPoint = await db.selectFrom('points').select('id').limit(1).executeTakeFirst();
	if (anyPoint)
		await db
			.insertInto('rebuilds')
			.values({ rule, status: 'queued', reason: 'migration', created_at: new Date().toISOString() })
			.execute();
}

export async function down(db: AnyDb): Promise<void> {
	await db.schema.dropTable('rebuilds').execute();
	for (const t of [
		'region_indicators_next',
		'point_indicators_next',
		'region_indicators',
		'point_indicators'
	])
		await db.schema.dropTable(t).execute();
	// The old rule's shape (the old kept figures are rebuilt by the old code).
	await db.schema
		.createTable('point_indicators')
		.addColumn('point_id', 'integer', (c) => c.notNull().references('points.id'))
		.addColumn('period_key', 'varchar(32)', (c) => c.notNull())
		.addColumn('indicator', 'varchar(40)', (c) => c.notNull())
		.addColumn('region_code', 'varchar(12)', (c) => c.notNull())
		.addColumn('value', 'double precision', (c) => c.notNull())
		.addColumn('best', 'double precision')
		.addColumn('best_period', 'varchar(32)')
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
