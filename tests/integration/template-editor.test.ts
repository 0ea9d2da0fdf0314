// The structured template editor, driven through its real form actions: what a post saves, what it
// refuses (with a message beside the field and nothing saved), and who may post at all.
import { isHttpError, type ActionFailure } from '@sveltejs/kit';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChecklistDefinition } from '../../src/lib/domain/checklist';
import { defaultDefinition } from '../../src/lib/domain/default-template';
import type { PublicUser } from '../../src/lib/domain/roles';
import { discardDraft, ensureDefaultTemplate } from '../../src/lib/server/checklists/templates.service';
import type { EditorState } from '../../src/routes/(app)/templates/[id=id]/editor';
import * as page from '../../src/routes/(app)/templates/[id=id]/+page.server';
import { posted as postedFields } from '../helpers/editor';
import { callAction, callLoad, makeEvent, thrownBy, useLocale } from '../helpers/event';
import { signedIn } from '../helpers/factories';
import { useScenario } from '../helpers/scenario';

/** The editor's fields as posted, with each item's carry-over choice (a field the helper predates). */
function posted(editor: EditorState, extra: Record<string, string> = {}): FormData {
	const form = postedFields(editor, extra);
	editor.sections.forEach((s, si) =>
		s.items.forEach((item, ii) => form.append(`i${si}.${ii}.carries`, item.carries ?? ''))
	);
	return form;
}

useLocale('zh');

const s = useScenario({ users: { admin: 'admin', analyst: ['analyst', 'city'] } }, { fresh: 'all' });
let db: typeof s.db;
let templateId: number;
let admin: PublicUser;
let analyst: PublicUser;

beforeAll(async () => {
	db = s.db;
	await ensureDefaultTemplate(db);
	({ id: templateId } = await db.selectFrom('checklist_templates').select('id').executeTakeFirstOrThrow());
	admin = (await signedIn(s.users.admin.id)).user;
	analyst = (await signedIn(s.users.analyst.id)).user;
});

// Every test starts from the shipped v1, published, with no draft.
beforeEach(() => discardDraft(db, admin.id, templateId));

async function versions() {
	const rows = await db
		.selectFrom('template_versions')
		.selectAll()
		.where('template_id', '=', templateId)
		.orderBy('version')
		.execute();
	return rows.map((r) => ({
		version: r.version,
		status: r.status,
		definition: JSON.parse(r.definition) as ChecklistDefinition
	}));
}

/** The editor's fields as the page renders them for an admin. */
async function editorFields(): Promise<EditorState> {
	const data = await callLoad(page.load, makeEvent({ user: admin, params: { id: String(templateId) } }));
	if (!data.editor) throw new Error('an admin should get the editor');
	return structuredClone(data.editor);
}

type Action = keyof typeof page.actions;

function post(action: Action, form: FormData, user: PublicUser = admin) {
	return callAction(
		page.actions[action],
		makeEvent({ user, form, params: { id: String(templateId) }, url: `/templates/${templateId}?/${action}` })
	);
}

type Refusal = ActionFailure<{ editor: EditorState; errors: Record<string, string>; general: string[] }>;

function refused(result: unknown): Refusal['data'] {
	const failure = result as Refusal;
	expect(failure.status).toBe(400);
	return failure.data;
}

const item = (def: ChecklistDefinition, key: string) =>
	def.sections.flatMap((s) => s.items).find((i) => i.key === key);

describe('the structured template editor', () => {
	it('starts from the published version, with its items locked to their kinds', async () => {
		const editor = await editorFields();
		expect(editor.sections.map((s) => s.key)).toEqual(defaultDefinition.sections.map((s) => s.key));
		const first = editor.sections[0].items[0];
		expect(first).toMatchObject({ key: 'signboards_exterior', kind: 'count', locked: true, max: '200' });
		const rehung = editor.sections[0].items[2];
		expect(rehung).toMatchObject({ key: 'signboards_rehung', ruleOp: 'eq_false' });
		expect(editor.sections[0].items[3]).toMatchObject({ showKey: 'signboards_rehung', showEquals: 'yes' });
	});

	it('lets an admin say whether an answer carries over, or leave it to the kind', async () => {
		const editor = await editorFields();
		const hosted = editor.sections[1].items[0];
		expect(hosted).toMatchObject({ key: 'mechanisms_hosted', carries: 'yes' });
		expect(editor.sections[5].items[3]).toMatchObject({ key: 'burden_trend', carries: 'no' });
		hosted.carries = 'no';
		editor.sections[5].items[3].carries = '';
		await post('saveDraft', posted(editor));
		const [, v2] = await versions();
		expect(item(v2.definition, 'mechanisms_hosted')?.carriesOver).toBe(false);
		// Left to its kind (a single choice: not carried), the item has no setting of its own.
		expect(item(v2.definition, 'burden_trend')).not.toHaveProperty('carriesOver');
	});

	it('saves an edited label as draft v2 and leaves the published v1 untouched', async () => {
		const editor = await editorFields();
		editor.sections[0].items[0].label = '村部外墙挂了几块牌子？';
		const result = await post('saveDraft', posted(editor));
		expect(result).toMatchObject({ done: '草稿 v2 已保存。' });

		const [v1, v2] = await versions();
		expect(v1).toMatchObject({ version: 1, status: 'published', definition: defaultDefinition });
		expect(v2).toMatchObject({ version: 2, status: 'draft' });
		expect(item(v2.definition, 'signboards_exterior')?.label).toBe('村部外墙挂了几块牌子？');
		// Everything else survives the round trip through the form unchanged.
		const rest = structuredClone(v2.definition);
		rest.sections[0].items[0].label = defaultDefinition.sections[0].items[0].label;
		expect(rest).toEqual(defaultDefinition);

		// The page now edits the draft.
		const again = await editorFields();
		expect(again.sections[0].items[0].label).toBe('村部外墙挂了几块牌子？');
	});

	it('adds an item with a fresh key and keeps the other edits posted with it', async () => {
		const editor = await editorFields();
		editor.sections[1].title = '查工作机制';
		const result = await post('addItem', posted(editor, { target: '0' }));
		expect(result).toMatchObject({ done: '草稿 v2 已保存。', focus: 'f-i0.4.label' });

		const draft = (await versions())[1].definition;
		expect(draft.sections[1].title).toBe('查工作机制');
		const added = draft.sections[0].items[4];
		expect(added).toMatchObject({ key: 'signboards_item5', kind: 'yes_no', label: '新题目', required: true });

		// A second one does not reuse the key.
		const next = await editorFields();
		expect(next.sections[0].items[4]).toMatchObject({ key: 'signboards_item5', locked: false });
		await post('addItem', posted(next, { target: '0' }));
		const keys = (await versions())[1].definition.sections[0].items.map((i) => i.key);
		expect(keys.slice(4)).toEqual(['signboards_item5', 'signboards_item6']);
		expect(new Set(keys).size).toBe(keys.length);
	});

	it('lets a new item take a kind and options, generating values for bare labels', async () => {
		const editor = await editorFields();
		await post('addItem', posted(editor, { target: '1' }));
		const next = await editorFields();
		Object.assign(next.sections[1].items[2], {
			kind: 'single',
			label: '机制由谁要求设立？',
			options: '县级部门\ntownship=乡镇\n其他'
		});
		await post('saveDraft', posted(next));
		expect(item((await versions())[1].definition, 'mechanisms_item3')).toMatchObject({
			kind: 'single',
			options: [
				{ value: 'opt1', label: '县级部门' },
				{ value: 'township', label: '乡镇' },
				{ value: 'opt2', label: '其他' }
			]
		});
	});

	it('removes an item', async () => {
		const editor = await editorFields();
		await post('removeItem', posted(editor, { target: '2.1' }));
		const draft = (await versions())[1].definition;
		expect(draft.sections[2].items.map((i) => i.key)).toEqual(['certificates_cancelled_issued']);
		expect(item(draft, 'certificates_total')).toBeUndefined();
	});

	it('moves an item up within its section', async () => {
		const editor = await editorFields();
		const result = await post('moveUp', posted(editor, { target: '4.3' }));
		expect(result).toMatchObject({ focus: 'up-4-2' });
		const keys = (await versions())[1].definition.sections[4].items.map((i) => i.key);
		expect(keys).toEqual(['data_requests', 'data_requests_duplicate', 'work_groups', 'apps_required']);
	});

	it('removes a section only once it is empty', async () => {
		const editor = await editorFields();
		editor.sections[2].items = [];
		const refusal = refused(await post('saveDraft', posted(editor)));
		expect(refusal.errors['s2']).toBe('这个栏目没有题目了：请添加题目，或删除这个栏目。');
		expect(await versions()).toHaveLength(1);

		await post('removeSection', posted(refusal.editor, { target: '2' }));
		const draft = (await versions())[1].definition;
		expect(draft.sections.map((s) => s.key)).not.toContain('certificates');
		expect(draft.sections).toHaveLength(defaultDefinition.sections.length - 1);
	});

	it('refuses a minimum above the maximum, beside the field, and saves nothing', async () => {
		const editor = await editorFields();
		editor.sections[0].items[0].min = '300';
		editor.sections[0].items[1].label = '改过的题目';
		const refusal = refused(await post('saveDraft', posted(editor)));
		expect(refusal.errors).toEqual({ 'i0.0.min': '下限不能大于上限。' });
		// Everything typed comes back, so the page re-renders it as it was.
		expect(refusal.editor.sections[0].items[0]).toMatchObject({ min: '300', max: '200' });
		expect(refusal.editor.sections[0].items[1].label).toBe('改过的题目');
		expect(await versions()).toHaveLength(1);
	});

	it('refuses a choice item with fewer than two options', async () => {
		const editor = await editorFields();
		const trend = editor.sections[5].items.findIndex((i) => i.key === 'burden_trend');
		editor.sections[5].items[trend].options = 'same=没有变化';
		const refusal = refused(await post('addItem', posted(editor, { target: '5' })));
		expect(refusal.errors[`i5.${trend}.options`]).toBe('单选、多选题至少要有 2 个选项。');
		// The structural change is kept in what comes back, but not saved.
		expect(refusal.editor.sections[5].items).toHaveLength(defaultDefinition.sections[5].items.length + 1);
		expect(await versions()).toHaveLength(1);
	});

	it('refuses a condition on an item that is not earlier', async () => {
		const editor = await editorFields();
		editor.sections[0].items[0].showKey = 'signboards_rehung';
		editor.sections[0].items[0].showEquals = 'yes';
		const refusal = refused(await post('saveDraft', posted(editor)));
		expect(refusal.errors['i0.0.showKey']).toBe('只能按本题之前的题目设置显示条件。');
		expect(await versions()).toHaveLength(1);
	});

	it('keeps the kind of a published item whatever kind is posted', async () => {
		const editor = await editorFields();
		editor.sections[0].items[2].kind = 'count';
		await post('saveDraft', posted(editor));
		expect(item((await versions())[1].definition, 'signboards_rehung')).toMatchObject({
			kind: 'yes_no',
			compliantWhen: { op: 'eq', value: false }
		});
	});

	it('carries a rule and a condition set in the JSON editor through unchanged', async () => {
		const def = structuredClone(defaultDefinition);
		const meetings = def.sections[5].items;
		const trend = meetings.find((i) => i.key === 'burden_trend')!;
		trend.compliantWhen = { op: 'eq', value: 'much_lighter' };
		const heaviest = meetings.find((i) => i.key === 'heaviest_burden')!;
		heaviest.showWhen = { key: 'burden_trend', equals: 'heavier' };
		await post('save', posted({ sections: [] }, { definition: JSON.stringify(def) }));

		const editor = await editorFields();
		const fields = editor.sections[5].items;
		expect(fields.find((i) => i.key === 'burden_trend')).toMatchObject({ ruleOp: 'custom' });
		expect(fields.find((i) => i.key === 'heaviest_burden')).toMatchObject({
			showKey: 'burden_trend',
			showEquals: 'custom'
		});
		expect(await post('saveDraft', posted(editor))).toMatchObject({ done: '草稿 v2 已保存。' });
		expect((await versions())[1].definition).toEqual(def);
	});

	it('answers an analyst 404 on every action and changes nothing', async () => {
		const editor = await editorFields();
		const data = await callLoad(page.load, makeEvent({ user: analyst, params: { id: String(templateId) } }));
		expect(data).toMatchObject({ canEdit: false, editor: null });
		for (const action of Object.keys(page.actions) as Action[]) {
			const form = posted(editor, { target: '0.0', definition: JSON.stringify(defaultDefinition) });
			const thrown = await thrownBy(() => post(action, form, analyst));
			expect(isHttpError(thrown, 404), action).toBe(true);
		}
		expect(await versions()).toHaveLength(1);
	});
});
