import type { ChecklistDefinition } from '../../domain/checklist';
import { DEFAULT_TEMPLATE_NAME, defaultDefinition } from '../../domain/default-template';
import { writeAudit } from '../audit/audit.repository';
import { now, type Db } from '../db';
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
		definition: JSON.parse(row.definition) as ChecklistDefinition,
		publishedAt: row.published_at
	};
}

export async function findVersion(db: Db, id: number): Promise<TemplateVersion | undefined> {
	const row = await db.selectFrom('template_versions').selectAll().where('id', '=', id).executeTakeFirst();
	return row && toVersion(row);
}

export async function listTemplates(db: Db) {
	const templates = await db.selectFrom('checklist_templates').selectAll().orderBy('id').execute();
	const versions = await db.selectFrom('template_versions').selectAll().orderBy('version', 'desc').execute();
	return templates.map((t) => ({
		id: t.id,
		name: t.name,
		versions: versions.filter((v) => v.template_id === t.id).map(toVersion)
	}));
}

export async function listPublishedVersions(db: Db) {
	return db
		.selectFrom('template_versions')
		.innerJoin('checklist_templates', 'checklist_templates.id', 'template_versions.template_id')
		.select(['template_versions.id', 'template_versions.version', 'checklist_templates.name'])
		.where('template_versions.status', '=', 'published')
		.orderBy('template_versions.id', 'desc')
		.execute();
}

/** The default 六必查 ships with the product: created once, on a database that has no template. */
export async function ensureDefaultTemplate(db: Db): Promise<void> {
	await db.transaction().execute(async (trx) => {
		const any = await trx.selectFrom('checklist_templates').select('id').limit(1).executeTakeFirst();
		if (any) return;
		const at = now();
		const { id } = await trx
			.insertInto('checklist_templates')
			.values({ name: DEFAULT_TEMPLATE_NAME, created_at: at })
			.returning('id')
			.executeTakeFirstOrThrow();
		await trx
			.insertInto('template_versions')
			.values({
				template_id: id,
				version: 1,
				status: 'published',
				definition: JSON.stringify(defaultDefinition),
				created_at: at,
				published_at: at
			})
			.execute();
	});
}

/** Saves the working copy: the existing draft is replaced; published versions never change. */
export async function saveDraft(
	db: Db,
	actorId: number,
	templateId: number,
	definition: ChecklistDefinition
): Promise<TemplateVersion> {
	return db.transaction().execute(async (trx) => {
		const latest = await trx
			.selectFrom('template_versions')
			.selectAll()
			.where('template_id', '=', templateId)
			.orderBy('version', 'desc')
			.executeTakeFirstOrThrow();
		const json = JSON.stringify(definition);
		let id: number;
		if (latest.status === 'draft') {
			await trx
				.updateTable('template_versions')
				.set({ definition: json })
				.where('id', '=', latest.id)
				.execute();
			id = latest.id;
		} else {
			({ id } = await trx
				.insertInto('template_versions')
				.values({
					template_id: templateId,
					version: latest.version + 1,
					status: 'draft',
					definition: json,
					created_at: now(),
					published_at: null
				})
				.returning('id')
				.executeTakeFirstOrThrow());
		}
		await writeAudit(trx, {
			userId: actorId,
			action: 'template.save_draft',
			entityType: 'template',
			entityId: templateId,
			changes: { version_id: id }
		});
		return toVersion(
			await trx.selectFrom('template_versions').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
		);
	});
}

export async function publishDraft(db: Db, actorId: number, templateId: number): Promise<boolean> {
	return db.transaction().execute(async (trx) => {
		const draft = await trx
			.selectFrom('template_versions')
			.selectAll()
			.where('template_id', '=', templateId)
			.where('status', '=', 'draft')
			.executeTakeFirst();
		if (!draft) return false;
		await trx
			.updateTable('template_versions')
			.set({ status: 'published', published_at: now() })
			.where('id', '=', draft.id)
			.execute();
		await writeAudit(trx, {
			userId: actorId,
			action: 'template.publish',
			entityType: 'template',
			entityId: templateId,
			changes: { version: draft.version }
		});
		return true;
	});
}

export async function discardDraft(db: Db, actorId: number, templateId: number): Promise<void> {
	await db.transaction().execute(async (trx) => {
		const res = await trx
			.deleteFrom('template_versions')
			.where('template_id', '=', templateId)
			.where('status', '=', 'draft')
			.executeTakeFirst();
		if (Number(res.numDeletedRows) > 0)
			await writeAudit(trx, {
				userId: actorId,
				action: 'template.discard_draft',
				entityType: 'template',
				entityId: templateId
			});
	});
}
