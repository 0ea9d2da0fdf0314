import { fail } from '@sveltejs/kit';
import { message, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { definitionFromText, TEMPLATE_JSON_MAX, templateJsonSchema } from '$lib/forms/checklist';
import { m } from '$lib/paraglide/messages.js';
import { notFound, requireRole } from '$lib/server/auth/access';
import {
	discardDraft,
	listTemplates,
	publishDraft,
	saveDraft
} from '$lib/server/checklists/templates.service';
import { db } from '$lib/server/db';
import { isRefusal } from '$lib/server/refusal';
import { refusalMessage } from '$lib/text/refusals';
import { applyChange, checkEditor, editorContext, readEditor, toEditor, type Change } from './editor.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

async function template(id: string) {
	const t = (await listTemplates(db())).find((x) => x.id === Number(id));
	if (!t) notFound();
	return t;
}

export const load: PageServerLoad = async (event) => {
	const user = requireRole(event, 'admin', 'analyst');
	const t = await template(event.params.id);
	const asked = Number(event.url.searchParams.get('version'));
	const shown = t.versions.find((v) => v.version === asked) ?? t.versions[0];
	const draft = t.versions.find((v) => v.status === 'draft') ?? null;
	// The working copy: the draft, else the latest published version (saving it makes a new draft).
	const working = (draft ?? t.versions.find((v) => v.status === 'published') ?? shown).definition;
	const canEdit = user.role === 'admin';
	const editorText = JSON.stringify(working, null, 2);
	const jsonForm = await superValidate(zod4(templateJsonSchema()), { id: 'json' });
	jsonForm.data.definition = editorText;
	return {
		template: { id: t.id, name: t.name },
		versions: t.versions.map((v) => ({ version: v.version, status: v.status, publishedAt: v.publishedAt })),
		shown,
		editor: canEdit ? toEditor(working, editorContext(t.versions)) : null,
		editorText,
		jsonForm,
		hasDraft: !!draft,
		canEdit
	};
};

/**
 * Every structured-editor button posts the whole form: the typed edits are applied first, then the
 * button's structural change, then the draft is saved. A refused post sends all the fields back.
 */
async function editDraft(event: RequestEvent, change?: Change) {
	const admin = requireRole(event, 'admin');
	const t = await template(event.params.id);
	const form = await event.request.formData();
	const ctx = editorContext(t.versions);
	const editor = readEditor(form, ctx);
	const focus = change ? applyChange(editor, change, String(form.get('target') ?? ''), ctx) : undefined;
	const checked = checkEditor(editor);
	if (!checked.ok) return fail(400, { editor, errors: checked.errors, general: checked.general });
	const saved = await saveDraft(db(), admin.id, t.id, checked.definition);
	return { done: m.template_draft_saved({ version: saved.version }), focus: focus ?? null };
}

export const actions: Actions = {
	saveDraft: (event) => editDraft(event),
	addItem: (event) => editDraft(event, 'addItem'),
	removeItem: (event) => editDraft(event, 'removeItem'),
	moveUp: (event) => editDraft(event, 'moveUp'),
	moveDown: (event) => editDraft(event, 'moveDown'),
	addSection: (event) => editDraft(event, 'addSection'),
	removeSection: (event) => editDraft(event, 'removeSection'),
	/** The advanced JSON editor. */
	save: async (event) => {
		const admin = requireRole(event, 'admin');
		const t = await template(event.params.id);
		const form = await superValidate(event.request, zod4(templateJsonSchema()), { id: 'json' });
		if (!form.valid) {
			// Too long to send back: the page shows the working copy instead.
			if (form.data.definition.length > TEMPLATE_JSON_MAX) form.data.definition = '';
			return fail(400, { form });
		}
		// The schema has checked it: this reads what it checked.
		const parsed = definitionFromText(form.data.definition);
		if (!('definition' in parsed)) return fail(400, { form });
		const saved = await saveDraft(db(), admin.id, t.id, parsed.definition);
		return message(form, m.template_draft_saved({ version: saved.version }));
	},
	publish: async (event) => {
		const admin = requireRole(event, 'admin');
		const t = await template(event.params.id);
		try {
			await publishDraft(db(), admin.id, t.id);
		} catch (e) {
			if (!isRefusal(e)) throw e;
			return fail(e.status, { problems: Object.values(e.problems).map(refusalMessage) });
		}
		return { done: m.template_published_done() };
	},
	discard: async (event) => {
		const admin = requireRole(event, 'admin');
		const t = await template(event.params.id);
		await discardDraft(db(), admin.id, t.id);
		return { done: m.template_discarded() };
	}
};
