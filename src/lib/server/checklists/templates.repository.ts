// Checklist templates and their versions in the database. SQL only; the rules (published versions
// never change, one draft at a time) are in templates.service.ts.
import type { ChecklistDefinition } from '../../domain/checklist';
import type { Db } from '../db';
import { definitionFromColumn, toJsonColumn } from '../db/json-columns';
import type { TemplateVersionRow } from '../db/schema';

export interface TemplateVersion {
	id: number;
	templateId: number;
	version: number;
	status: TemplateVersionRow['status'];
	definition: ChecklistDefinition;
	publishedAt: string | null;
}

function toVersion(row: TemplateVersionRow): TemplateVersion {
	return {
		id: row.id,
		templateId: row.template_id,
		version: row.version,
		status: row.status,
		definition: definitionFromColumn(row.definition),
		publishedAt: row.published_at
	};
}

export async function findVersion(db: Db, id: number): Promise<TemplateVersion | undefined> {
	const row = await db.selectFrom('template_versions').selectAll().where('id', '=', id).executeTakeFirst();
	return row && toVersion(row);
}

/** A template's newest version, draft or published. */
export async function findLatestVersion(db: Db, templateId: number): Promise<TemplateVersion | undefined> {
	const row = await db
		.selectFrom('template_versions')
		.selectAll()
		.where('template_id', '=', templateId)
		.orderBy('version', 'desc')
		.executeTakeFirst();
	return row && toVersion(row);
}

export async function findDraft(db: Db, templateId: number): Promise<TemplateVersion | undefined> {
	const row = await db
		.selectFrom('template_versions')
		.selectAll()
		.where('template_id', '=', templateId)
		.where('status', '=', 'draft')
		.executeTakeFirst();
	return row && toVersion(row);
}

export function listTemplateRows(db: Db) {
	return db.selectFrom('checklist_templates').selectAll().orderBy('id').execute();
}

/** Every version of every template, newest first. */
export async function listVersions(db: Db): Promise<TemplateVersion[]> {
	const rows = await db.selectFrom('template_versions').selectAll().orderBy('version', 'desc').execute();
	return rows.map(toVersion);
}

export function listPublishedVersions(db: Db) {
	return db
		.selectFrom('template_versions')
		.innerJoin('checklist_templates', 'checklist_templates.id', 'template_versions.template_id')
		.select(['template_versions.id', 'template_versions.version', 'checklist_templates.name'])
		.where('template_versions.status', '=', 'published')
		.orderBy('template_versions.id', 'desc')
		.execute();
}

export async function hasAnyTemplate(db: Db): Promise<boolean> {
	return !!(await db.selectFrom('checklist_templates').select('id').limit(1).executeTakeFirst());
}

export async function insertTemplate(db: Db, name: string, at: string): Promise<number> {
	const { id } = await db
		.insertInto('checklist_templates')
		.values({ name, created_at: at })
		.returning('id')
		.executeTakeFirstOrThrow();
	return id;
}

export async function insertVersion(
	db: Db,
	row: {
		templateId: number;
		version: number;
		status: TemplateVersionRow['status'];
		definition: ChecklistDefinition;
		createdAt: string;
		publishedAt: string | null;
	}
): Promise<number> {
	const { id } = await db
		.insertInto('template_versions')
		.values({
			template_id: row.templateId,
			version: row.version,
			status: row.status,
			definition: toJsonColumn(row.definition),
			created_at: row.createdAt,
			published_at: row.publishedAt
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return id;
}

export async function updateVersionDefinition(
	db: Db,
	id: number,
	definition: ChecklistDefinition
): Promise<void> {
	await db
		.updateTable('template_versions')
		.set({ definition: toJsonColumn(definition) })
		.where('id', '=', id)
		.execute();
}

export async function markPublished(db: Db, id: number, at: string): Promise<void> {
	await db
		.updateTable('template_versions')
		.set({ status: 'published', published_at: at })
		.where('id', '=', id)
		.execute();
}

/** Deletes a template's draft; true when there was one. */
export async function deleteDraft(db: Db, templateId: number): Promise<boolean> {
	const res = await db
		.deleteFrom('template_versions')
		.where('template_id', '=', templateId)
		.where('status', '=', 'draft')
		.executeTakeFirst();
	return Number(res.numDeletedRows) > 0;
}
