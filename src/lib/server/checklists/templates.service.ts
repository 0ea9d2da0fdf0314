// The rules of templates: a published version never changes, edits go to the one working draft,
// and publishing makes the draft the newest version rounds can choose.
import type { ChecklistDefinition } from '../../domain/checklist';
import { DEFAULT_TEMPLATE_NAME, defaultDefinition } from '../../domain/default-template';
import { writeAudit } from '../audit/audit.repository';
import { now, type Db } from '../db';
import { refuse } from '../refusal';
import {
	deleteDraft,
	findDraft,
	findLatestVersion,
	findVersion,
	hasAnyTemplate,
	insertTemplate,
	insertVersion,
	listTemplateRows,
	listVersions,
	markPublished,
	updateVersionDefinition,
	type TemplateVersion
} from './templates.repository';

export { findVersion, listPublishedVersions, type TemplateVersion } from './templates.repository';

/** Every template with its versions, newest first. */
export async function listTemplates(db: Db) {
	const [templates, versions] = [await listTemplateRows(db), await listVersions(db)];
	return templates.map((t) => ({
		id: t.id,
		name: t.name,
		versions: versions.filter((v) => v.templateId === t.id)
	}));
}

/** The default 六必查 ships with the product: created once, on a database that has no template. */
export async function ensureDefaultTemplate(db: Db): Promise<void> {
	await db.transaction().execute(async (trx) => {
		if (await hasAnyTemplate(trx)) return;
		const at = now();
		const templateId = await insertTemplate(trx, DEFAULT_TEMPLATE_NAME, at);
		await insertVersion(trx, {
			templateId,
			version: 1,
			status: 'published',
			definition: defaultDefinition,
			createdAt: at,
			publishedAt: at
		});
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
		const latest = await findLatestVersion(trx, templateId);
		if (!latest) throw new Error(`template ${templateId} has no version`);
		let id: number;
		if (latest.status === 'draft') {
			await updateVersionDefinition(trx, latest.id, definition);
			id = latest.id;
		} else {
			id = await insertVersion(trx, {
				templateId,
				version: latest.version + 1,
				status: 'draft',
				definition,
				createdAt: now(),
				publishedAt: null
			});
		}
		await writeAudit(trx, {
			userId: actorId,
			action: 'template.save_draft',
			entityType: 'template',
			entityId: templateId,
			changes: { version_id: id }
		});
		return (await findVersion(trx, id))!;
	});
}

/** Publishes the draft; refused (409) when there is none. */
export async function publishDraft(db: Db, actorId: number, templateId: number): Promise<void> {
	await db.transaction().execute(async (trx) => {
		const draft = await findDraft(trx, templateId);
		if (!draft) refuse('', 'template_no_draft', undefined, 409);
		await markPublished(trx, draft.id, now());
		await writeAudit(trx, {
			userId: actorId,
			action: 'template.publish',
			entityType: 'template',
			entityId: templateId,
			changes: { version: draft.version }
		});
	});
}

export async function discardDraft(db: Db, actorId: number, templateId: number): Promise<void> {
	await db.transaction().execute(async (trx) => {
		if (await deleteDraft(trx, templateId))
			await writeAudit(trx, {
				userId: actorId,
				action: 'template.discard_draft',
				entityType: 'template',
				entityId: templateId
			});
	});
}
