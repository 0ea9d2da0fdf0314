// Checklist templates: the default 六必查, editing a draft as JSON, publishing a new version, and a
// round keeping the version it was opened on while later rounds use the new one.
import { isHttpError, isRedirect, type ActionFailure } from '@sveltejs/kit';
import type { SuperValidated } from 'sveltekit-superforms';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ChecklistDefinition } from '../../src/lib/domain/checklist';
import { parseDefinition } from '../../src/lib/domain/checklist-schema';
import { DEFAULT_TEMPLATE_NAME, defaultDefinition } from '../../src/lib/domain/default-template';
import type { PublicUser } from '../../src/lib/domain/roles';
import { createRound, openRound } from '../../src/lib/server/checklists/rounds.service';
import {
	acceptSubmission,
	returnSubmission,
	submit
} from '../../src/lib/server/checklists/submissions.service';
import {
	ensureDefaultTemplate,
	findVersion,
	listTemplates,
	publishDraft,
	saveDraft
} from '../../src/lib/server/checklists/templates.service';
import * as formPage from '../../src/routes/(app)/points/[id=id]/rounds/[round=id]/+page.server';
import * as reviewPage from '../../src/routes/(app)/submissions/[id=id]/+page.server';
import * as templatePage from '../../src/routes/(app)/templates/[id=id]/+page.server';
import * as templatesPage from '../../src/routes/(app)/templates/+page.server';
import { callAction, callLoad, makeEvent, thrownBy, useLocale } from '../helpers/event';
import {
	auditRows,
	countRows,
	everyKindDefinition,
	newPoint,
	newRound,
	newSubmission,
	newTemplate,
	newUser
} from '../helpers/factories';
import { EACH_ROLE_WORLD, useScenario } from '../helpers/scenario';

useLocale('zh');

// Each test gets its own database, set up as the app sets one up: the default 六必查 in place.
const scenario = useScenario(
	{
		...EACH_ROLE_WORLD
	},
	{ fresh: 'each' }
);
const { tree, users: u } = scenario;
let db: typeof scenario.db;
let defaultId: number;

beforeEach(async () => {
	db = scenario.db;
	await ensureDefaultTemplate(db);
	defaultId = (await listTemplates(db))[0].id;
});

const is404 = (e: unknown) => isHttpError(e, 404);
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

function templateEvent(user: PublicUser, id: number, form?: Record<string, string>) {
	return makeEvent({ user, params: { id: String(id) }, url: `/templates/${id}`, form });
}
const saveAs = (user: PublicUser, definition: string, id = defaultId) =>
	callAction(templatePage.actions.save, templateEvent(user, id, { definition }));

async function written() {
	return {
		versions: await db.selectFrom('template_versions').selectAll().orderBy('id').execute(),
		audit: await countRows(db, 'audit_log')
	};
}

describe('the default 六必查', () => {
	it('exists once the database is set up, as published version 1', async () => {
		const templates = await listTemplates(db);
		expect(templates).toHaveLength(1);
		expect(templates[0].name).toBe(DEFAULT_TEMPLATE_NAME);
		expect(templates[0].versions.map((v) => [v.version, v.status])).toEqual([[1, 'published']]);
	});

	it('passes the same checks an edited template must pass', async () => {
		const stored = (await listTemplates(db))[0].versions[0].definition;
		const parsed = parseDefinition(stored);
		expect(parsed).toEqual({ ok: true, definition: defaultDefinition });
	});

	it('covers the six burdens, one section each', () => {
		expect(defaultDefinition.sections.map((s) => s.title)).toEqual([
			'查牌子',
			'查机制',
			'查证明',
			'查借调',
			'查报表与APP',
			'查会议与督查考核'
		]);
	});

	it('is not created a second time', async () => {
		await ensureDefaultTemplate(db);
		expect(await countRows(db, 'checklist_templates')).toBe(1);
		expect(await countRows(db, 'template_versions')).toBe(1);
	});
});

describe('who sees and edits templates', () => {
	it('lets an analyst read the list and a template, without editing', async () => {
		const list = await callLoad(templatesPage.load, makeEvent({ user: u.analyst, url: '/templates' }));
		expect(list.templates[0].versions[0]).toMatchObject({ version: 1, status: 'published' });
		const data = await callLoad(templatePage.load, templateEvent(u.analyst, defaultId));
		expect(data.canEdit).toBe(false);
		expect(JSON.parse(data.editorText)).toEqual(defaultDefinition);
	});

	it('answers 404 to an analyst on save, publish and discard, writing nothing', async () => {
		const before = await written();
		const valid = JSON.stringify(defaultDefinition);
		for (const name of ['save', 'publish', 'discard'] as const) {
			const e = await thrownBy(() =>
				callAction(templatePage.actions[name], templateEvent(u.analyst, defaultId, { definition: valid }))
			);
			expect(is404(e), name).toBe(true);
		}
		expect(await written()).toEqual(before);
	});

	it('answers 404 to reviewers and staff on the templates pages', async () => {
		for (const user of [u.reviewer, u.staff]) {
			expect(is404(await thrownBy(() => callLoad(templatesPage.load, makeEvent({ user }))))).toBe(true);
			expect(is404(await thrownBy(() => callLoad(templatePage.load, templateEvent(user, defaultId))))).toBe(
				true
			);
		}
	});

	it('answers 404 for a template that does not exist', async () => {
		expect(is404(await thrownBy(() => callLoad(templatePage.load, templateEvent(u.admin, 999))))).toBe(true);
	});
});

describe('saving a template draft', () => {
	type JsonForm = SuperValidated<{ definition: string }>;
	/** The refused JSON editor: the text sent back to fix, and each problem. */
	function refused(result: unknown): { text: string; problems: string[] } {
		const f = result as ActionFailure<{ form: JsonForm }>;
		expect(f.status).toBe(400);
		return { text: f.data.form.data.definition, problems: f.data.form.errors.definition ?? [] };
	}
	const saved = (result: unknown) => ({ done: (result as { form: JsonForm }).form.message });

	const withItem = (change: (def: ChecklistDefinition) => void) => {
		const def = clone(defaultDefinition);
		change(def);
		return JSON.stringify(def);
	};

	const invalid: { what: string; text: () => string; problem: RegExp }[] = [
		{
			what: 'two items with the same key',
			text: () =>
				withItem((d) => {
					d.sections[1].items[0].key = 'signboards_exterior';
				}),
			problem: /duplicate key signboards_exterior/
		},
		{
			what: 'a condition on a later item',
			text: () =>
				withItem((d) => {
					d.sections[0].items[0].showWhen = { key: 'mechanisms_new', equals: 0 };
				}),
			problem: /showWhen must refer to an earlier item, not mechanisms_new/
		},
		{
			what: 'a single choice without options',
			text: () =>
				withItem((d) => {
					delete d.sections[5].items[3].options;
				}),
			problem: /choice items need options/
		},
		{
			what: 'an unknown item kind',
			text: () =>
				withItem((d) => {
					(d.sections[0].items[0] as { kind: string }).kind = 'photo';
				}),
			problem: /kind/
		},
		{
			what: 'a minimum above the maximum',
			text: () =>
				withItem((d) => {
					d.sections[0].items[0].min = 300;
				}),
			problem: /min is above max/
		},
		{ what: 'no sections at all', text: () => JSON.stringify({ sections: [] }), problem: /sections/ }
	];

	for (const { what, text, problem } of invalid) {
		it(`refuses ${what} with a 400 and the problem, writing nothing`, async () => {
			const before = await written();
			const sent = text();
			const f = refused(await saveAs(u.admin, sent));
			expect(f.text).toBe(sent);
			expect(f.problems.some((p) => problem.test(p))).toBe(true);
			expect(await written()).toEqual(before);
		});
	}

	it('refuses text that is not JSON, sending it back to fix', async () => {
		const before = await written();
		const f = refused(await saveAs(u.admin, '{ "sections": [ '));
		expect(f).toEqual({ text: '{ "sections": [ ', problems: ['不是有效的 JSON。'] });
		expect(await written()).toEqual(before);
	});

	it('refuses text over the size limit without echoing it', async () => {
		const before = await written();
		const f = refused(await saveAs(u.admin, ' '.repeat(200_001)));
		expect(f).toEqual({ text: '', problems: ['模板内容过长。'] });
		expect(await written()).toEqual(before);
	});

	it('saves a valid definition as draft version 2, leaving version 1 as it was', async () => {
		const v1 = (await written()).versions[0];
		const edited = withItem((d) => {
			d.sections[0].title = '查牌子（修订）';
		});
		expect(saved(await saveAs(u.admin, edited))).toEqual({ done: '草稿 v2 已保存。' });
		const { versions } = await written();
		expect(versions).toHaveLength(2);
		expect(versions[0]).toEqual(v1);
		expect(versions[1]).toMatchObject({ version: 2, status: 'draft', published_at: null });
		expect(JSON.parse(versions[1].definition).sections[0].title).toBe('查牌子（修订）');
		expect(await auditRows(db, { action: 'template.save_draft', entityId: defaultId })).toHaveLength(1);
	});

	/** A first draft v2, as the test above saves it. */
	const firstDraft = () =>
		saveAs(
			u.admin,
			withItem((d) => {
				d.sections[0].title = '查牌子（修订）';
			})
		);

	it('replaces the draft on a second save rather than adding a version', async () => {
		await firstDraft();
		const edited = withItem((d) => {
			d.sections[0].title = '查牌子（二稿）';
		});
		expect(saved(await saveAs(u.admin, edited))).toEqual({ done: '草稿 v2 已保存。' });
		const { versions } = await written();
		expect(versions).toHaveLength(2);
		expect(JSON.parse(versions[1].definition).sections[0].title).toBe('查牌子（二稿）');
		const data = await callLoad(templatePage.load, templateEvent(u.admin, defaultId));
		expect(data.hasDraft).toBe(true);
		expect(JSON.parse(data.editorText).sections[0].title).toBe('查牌子（二稿）');
	});

	it('publishes the draft as a new version', async () => {
		await firstDraft();
		expect(await callAction(templatePage.actions.publish, templateEvent(u.admin, defaultId, {}))).toEqual({
			done: '已发布。'
		});
		const { versions } = await written();
		expect(versions.map((v) => [v.version, v.status])).toEqual([
			[1, 'published'],
			[2, 'published']
		]);
		expect(versions[1].published_at).not.toBeNull();
		const [published] = await auditRows(db, { action: 'template.publish', entityId: defaultId });
		expect(JSON.parse(published.changes!)).toEqual({ version: 2 });
	});

	it('refuses to publish when there is no draft', async () => {
		const before = await written();
		const f = (await callAction(
			templatePage.actions.publish,
			templateEvent(u.admin, defaultId, {})
		)) as ActionFailure<{ problems: string[] }>;
		expect(f.status).toBe(409);
		expect(f.data.problems).toEqual(['没有可发布的草稿。']);
		expect(await written()).toEqual(before);
	});

	it('discards a draft, leaving the published versions', async () => {
		// Version 2 published before, as the tests above leave it.
		await firstDraft();
		await publishDraft(db, u.admin.id, defaultId);
		await saveAs(u.admin, JSON.stringify(defaultDefinition));
		expect((await written()).versions).toHaveLength(3);
		expect(await callAction(templatePage.actions.discard, templateEvent(u.admin, defaultId, {}))).toEqual({
			done: '草稿已放弃。'
		});
		expect((await written()).versions.map((v) => v.status)).toEqual(['published', 'published']);
		expect(await auditRows(db, { action: 'template.discard_draft', entityId: defaultId })).toHaveLength(1);
	});
});

describe('a round pinned to a template version', () => {
	let templateId: number;
	let v1Id: number;
	let v2Id: number;
	let pointId: number;
	let staff: PublicUser;
	let roundV1: number;
	let submissionV1: number;

	const v2: ChecklistDefinition = clone(everyKindDefinition);
	v2.sections[0].items[0].label = '外挂牌子（含临时牌）有几块？';
	v2.sections[0].items.splice(1, 1); // "hours" is gone
	v2.sections[2].items.push({
		key: 'signs_removed',
		kind: 'count',
		label: '本期摘除了几块牌子？',
		required: true
	});

	beforeEach(async () => {
		({ templateId, versionId: v1Id } = await newTemplate(db, everyKindDefinition));
		pointId = (await newPoint(db, tree.community, 'community')).id;
		staff = await newUser(db, 'staff', tree.community);
		roundV1 = await newRound(db, v1Id, { targetRegion: tree.township });
		submissionV1 = await newSubmission(
			db,
			roundV1,
			pointId,
			{ boards: 3, hours: 2, rehung: false, trend: 'same' },
			{ until: 'submitted' }
		);
		await saveDraft(db, u.admin.id, templateId, v2);
		await publishDraft(db, u.admin.id, templateId);
		v2Id = (await listTemplates(db)).find((t) => t.id === templateId)!.versions[0].id;
	});

	function formEvent(roundId: number, form?: Record<string, string>) {
		return makeEvent({
			user: staff,
			params: { id: String(pointId), round: String(roundId) },
			url: `/points/${pointId}/rounds/${roundId}`,
			form
		});
	}

	it('leaves the published version 1 as it was', async () => {
		const v1 = await findVersion(db, v1Id);
		expect(v1).toMatchObject({ version: 1, status: 'published', definition: everyKindDefinition });
		expect(await findVersion(db, v2Id)).toMatchObject({ version: 2, status: 'published', definition: v2 });
	});

	it('still shows the open round’s form with version 1’s items and the saved answers', async () => {
		const data = await callLoad(formPage.load, formEvent(roundV1));
		expect(data.templateVersion).toBe(1);
		expect(data.definition).toEqual(everyKindDefinition);
		expect(data.answers).toMatchObject({ boards: 3, hours: 2, rehung: false, trend: 'same' });
	});

	it('shows the reviewer version 1’s labels and the unchanged answers', async () => {
		const data = await callLoad(
			reviewPage.load,
			makeEvent({
				user: u.reviewer,
				params: { id: String(submissionV1) },
				url: `/submissions/${submissionV1}`
			})
		);
		expect(data.templateVersion).toBe(1);
		expect(data.labels.boards).toBe('外挂牌子有几块？');
		expect(data.labels.signs_removed).toBeUndefined();
		expect(data.answers).toMatchObject({ boards: 3, hours: 2 });
	});

	/** The reviewer returns the submission and the staff member saves a corrected section. */
	async function returnAndCorrect(): Promise<unknown> {
		const s = await db
			.selectFrom('submissions')
			.selectAll()
			.where('id', '=', submissionV1)
			.executeTakeFirstOrThrow();
		await returnSubmission(db, u.reviewer.id, submissionV1, '请核实会议时长', s.version);
		const version = (await callLoad(formPage.load, formEvent(roundV1))).submission!.version;
		return thrownBy(() =>
			callAction(
				formPage.actions.save,
				formEvent(roundV1, {
					section: '0',
					version: String(version),
					'a.boards': '3',
					'a.hours': '4',
					'a.rehung': 'no'
				})
			)
		);
	}

	it('still checks the round’s answers against version 1 after a return', async () => {
		const e = await returnAndCorrect();
		expect(isRedirect(e)).toBe(true);
		const hours = await db
			.selectFrom('answers')
			.select('value')
			.where('submission_id', '=', submissionV1)
			.where('item_key', '=', 'hours')
			.executeTakeFirstOrThrow();
		expect(JSON.parse(hours.value)).toBe(4);
	});

	it('gives a new round on version 2 the new items, prefilled from the kept keys', async () => {
		// Returned and corrected, as in the test above; resubmitted and accepted here.
		await returnAndCorrect();
		const fresh = await db
			.selectFrom('submissions')
			.select('version')
			.where('id', '=', submissionV1)
			.executeTakeFirstOrThrow();
		await submit(db, staff.id, {
			roundId: roundV1,
			pointId,
			expectedVersion: fresh.version,
			clientToken: 'resubmit'
		});
		await expect(acceptSubmission(db, u.reviewer.id, submissionV1)).resolves.toBeUndefined();

		const roundV2 = await createRound(db, u.admin.id, {
			name: '2026年第2季度',
			periodKind: 'quarter',
			period: '2026-Q2',
			templateVersionId: v2Id,
			targetRegion: tree.township,
			opensOn: '2026-04-01',
			dueOn: '2026-07-10'
		});
		await openRound(db, null, roundV2);
		const data = await callLoad(formPage.load, formEvent(roundV2));
		expect(data.templateVersion).toBe(2);
		expect(data.definition).toEqual(v2);
		expect(data.values).not.toHaveProperty('hours');
		// The kept keys that carry over are prefilled; the single choice (a feeling) is asked afresh.
		expect(data.values).toMatchObject({ boards: '3', rehung: 'no', trend: '', signs_removed: '' });
		expect(data.prefilled).toBe(true);
	});

	it('lets a new round still choose version 1', async () => {
		const id = await newRound(db, v1Id, { name: '补报', open: false });
		const row = await db.selectFrom('rounds').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
		expect(row.template_version_id).toBe(v1Id);
	});
});
