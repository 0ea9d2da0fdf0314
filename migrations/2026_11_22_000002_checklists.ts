import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen once landed. Checklist templates (versioned), rounds, their target points,
// submissions (one per point and round) and answers.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function idType(db: Kysely<any>) {
	return db.getExecutor().adapter instanceof PostgresAdapter ? 'serial' : 'integer';
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('checklist_templates')
		.addColumn('id', idType(db), (c) => c.primaryKey().autoIncrement())
		.addColumn('name', 'varchar(200)', (c) => c.notNull())
		.addColumn('created_at', 'varchar(32)', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('template_versions')
		.addColumn('id', idType(db), (c) => c.primaryKey().autoIncrement())
		.addColumn('template_id', 'integer', (c) => c.notNull().references('checklist_templates.id'))
		.addColumn('version', 'integer', (c) => c.notNull())
		// draft: still being edited; published: frozen, may be pinned by rounds.
		.addColumn('status', 'varchar(16)', (c) => c.notNull())
		.addColumn('definition', 'text', (c) => c.notNull())
		.addColumn('created_at', 'varchar(32)', (c) => c.notNull())
		.addColumn('published_at', 'varchar(32)')
		.addUniqueConstraint('template_versions_unique', ['template_id', 'version'])
		.execute();

	await db.schema
		.createTable('rounds')
		.addColumn('id', idType(db), (c) => c.primaryKey().autoIncrement())
		.addColumn('name', 'varchar(200)', (c) => c.notNull())
		.addColumn('period_kind', 'varchar(16)', (c) => c.notNull())
		.addColumn('period_start', 'varchar(10)', (c) => c.notNull())
		.addColumn('period_end', 'varchar(10)', (c) => c.notNull())
		.addColumn('template_version_id', 'integer', (c) => c.notNull().references('template_versions.id'))
		// null: every active point; otherwise the subtree of this region.
		.addColumn('target_region_code', 'varchar(12)', (c) => c.references('regions.code'))
		.addColumn('opens_on', 'varchar(10)', (c) => c.notNull())
		.addColumn('due_on', 'varchar(10)', (c) => c.notNull())
		.addColumn('status', 'varchar(16)', (c) => c.notNull())
		.addColumn('created_by', 'integer', (c) => c.references('users.id'))
		.addColumn('created_at', 'varchar(32)', (c) => c.notNull())
		.execute();

	// The points a round asks, fixed when it opens, so later changes to points do not move its rates.
	await db.schema
		.createTable('round_targets')
		.addColumn('round_id', 'integer', (c) => c.notNull().references('rounds.id').onDelete('cascade'))
		.addColumn('point_id', 'integer', (c) => c.notNull().references('points.id'))
		.addPrimaryKeyConstraint('round_targets_pk', ['round_id', 'point_id'])
		.execute();
	await db.schema.createIndex('round_targets_point_idx').on('round_targets').column('point_id').execute();

	await db.schema
		.createTable('submissions')
		.addColumn('id', idType(db), (c) => c.primaryKey().autoIncrement())
		.addColumn('round_id', 'integer', (c) => c.notNull().references('rounds.id'))
		.addColumn('point_id', 'integer', (c) => c.notNull().references('points.id'))
		.addColumn('status', 'varchar(16)', (c) => c.notNull())
		// Bumped on every write; a save based on an older one is refused.
		.addColumn('version', 'integer', (c) => c.notNull())
		.addColumn('client_token', 'varchar(64)')
		.addColumn('late', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('submitted_at', 'varchar(32)')
		.addColumn('submitted_by', 'integer', (c) => c.references('users.id'))
		.addColumn('reviewed_at', 'varchar(32)')
		.addColumn('reviewed_by', 'integer', (c) => c.references('users.id'))
		.addColumn('review_note', 'text')
		.addColumn('created_at', 'varchar(32)', (c) => c.notNull())
		.addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
		.addUniqueConstraint('submissions_round_point_unique', ['round_id', 'point_id'])
		.execute();
	await db.schema
		.createIndex('submissions_point_idx')
		.on('submissions')
		.columns(['point_id', 'status'])
		.execute();

	await db.schema
		.createTable('answers')
		.addColumn('submission_id', 'integer', (c) =>
			c.notNull().references('submissions.id').onDelete('cascade')
		)
		.addColumn('item_key', 'varchar(48)', (c) => c.notNull())
		// JSON: number, boolean, string, list of strings, or null.
		.addColumn('value', 'text', (c) => c.notNull())
		// The staff member's reason for a value far out of line with the point's history.
		.addColumn('note', 'text')
		.addPrimaryKeyConstraint('answers_pk', ['submission_id', 'item_key'])
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	for (const table of [
		'answers',
		'submissions',
		'round_targets',
		'rounds',
		'template_versions',
		'checklist_templates'
	]) {
		await db.schema.dropTable(table).execute();
	}
}
