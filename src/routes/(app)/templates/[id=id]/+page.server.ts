import { fail } from '@sveltejs/kit';
import { parseDefinition } from '$lib/domain/checklist-schema';
import { m } from '$lib/paraglide/messages.js';
import { notFound, requireRole } from '$lib/server/auth/access';
import {
	discardDraft,
	listTemplates,
	publishDraft,
	saveDraft
} from '$lib/server/checklists/templates.service';
import { db } from '$lib/server/db';
import type { Actions, PageServerLoad } from './$types';

const MAX_JSON = 200_000;

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
	return {
		template: { id: t.id, name: t.name },
		versions: t.versions.map((v) => ({ version: v.version, status: v.status, publishedAt: v.publishedAt })),
		shown,
		editorText: JSON.stringify(
			(draft ?? t.versions.find((v) => v.status === 'published') ?? shown).definition,
			null,
			2
		),
		hasDraft: !!draft,
		canEdit: user.role === 'admin'
	};
};

export const actions: Actions = {
	save: async (event) => {
		const admin = requireRole(event, 'admin');
		const t = await template(event.params.id);
		const text = String((await event.request.formData()).get('definition') ?? '');
		if (text.length > MAX_JSON) return fail(400, { text: '', problems: [m.template_too_large()] });
		let json: unknown;
		try {
			json = JSON.parse(text);
		} catch {
			return fail(400, { text, problems: [m.template_not_json()] });
		}
		const parsed = parseDefinition(json);
		if (!parsed.ok) return fail(400, { text, problems: parsed.problems });
		const saved = await saveDraft(db(), admin.id, t.id, parsed.definition);
		return { done: m.template_draft_saved({ version: saved.version }) };
	},
	publish: async (event) => {
		const admin = requireRole(event, 'admin');
		const t = await template(event.params.id);
		if (!(await publishDraft(db(), admin.id, t.id))) return fail(409, { problems: [m.template_no_draft()] });
		return { done: m.template_published_done() };
	},
	discard: async (event) => {
		const admin = requireRole(event, 'admin');
		const t = await template(event.params.id);
		await discardDraft(db(), admin.id, t.id);
		return { done: m.template_discarded() };
	}
};
