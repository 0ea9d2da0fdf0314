// The checklist on a phone whose network comes and goes: answers typed offline survive a reload and
// a closed tab, the outbox sends them (and the submit) once when the network is back, a save whose
// answer was lost is applied once, and a server copy that changed meanwhile is shown side by side.
// Its own point, staff member and rounds (province 63), so the demo's flows are not touched.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ChecklistDefinition } from '../../src/lib/domain/checklist';
import { returnSubmission, saveAnswers, submit } from '../../src/lib/server/checklists/submissions.service';
import type { Db } from '../../src/lib/server/db';
import { openSqlite } from '../../src/lib/server/db/sqlite';
import {
	newPoint,
	newRegion,
	newRegionTree,
	newRound,
	newSubmission,
	newTemplate,
	newUser
} from '../helpers/factories';
import { launch, PHONE, screenshot } from './browser';

const baseURL = inject('baseURL');
const MEETINGS = '本期参加上级会议几次？';
const NOTE = '会议情况说明';
const REQUESTS = '本期收到的填表、报数要求有几次？';

const definition: ChecklistDefinition = {
	sections: [
		{
			key: 'meetings',
			title: '查会议',
			items: [
				{ key: 'meetings_attended', kind: 'count', label: MEETINGS, required: true, carriesOver: true },
				{ key: 'meeting_note', kind: 'short_text', label: NOTE, required: false, carriesOver: false }
			]
		},
		{
			key: 'reports',
			title: '查报表',
			items: [{ key: 'data_requests', kind: 'count', label: REQUESTS, required: true, carriesOver: true }]
		}
	]
};

let browser: Browser;
let db: Db;
let closeDb: () => Promise<void>;
let versionId: number;
let township: string;
let quarter = 0;

beforeAll(async () => {
	browser = await launch();
	const opened = openSqlite(inject('databasePath'));
	db = opened.db;
	closeDb = () => db.destroy();
	const tree = await newRegionTree(db, '63');
	township = tree.township;
	({ versionId } = await newTemplate(db, definition, '离线测试清单'));
});
afterAll(async () => {
	await browser?.close();
	// The demo's round form offers the newest published template first: leave it the 六必查.
	if (versionId)
		await db.updateTable('template_versions').set({ status: 'draft' }).where('id', '=', versionId).execute();
	await closeDb?.();
});

/** A point of its own with last quarter accepted and this quarter open; its staff member signed in. */
async function world() {
	const q = ++quarter;
	const village = await newRegion(db, `${township}${String(100 + q)}`, `离线测试村${q}`);
	const point = await newPoint(db, village);
	const staff = await newUser(db, 'staff', village, { username: `offline-staff-${q}` });
	const period = (n: number) => `20${30 + n}-Q1`;
	const round = (n: number, open: boolean) =>
		newRound(db, versionId, {
			name: `离线测试 ${period(n)}`,
			period: period(n),
			opensOn: `20${30 + n}-01-01`,
			dueOn: `20${30 + n}-04-10`,
			targetRegion: township,
			open
		});
	const last = await round(2 * q - 1, true);
	await newSubmission(db, last, point.id, { meetings_attended: 3, data_requests: 2 });
	const current = await round(2 * q, true);
	const context = await browser.newContext({
		baseURL,
		viewport: PHONE,
		locale: 'zh-CN',
		serviceWorkers: 'allow'
	});
	const page = await context.newPage();
	await page.goto('/login');
	await page.getByLabel('用户名').fill(staff.username);
	await page.getByLabel('密码').fill(staff.password);
	await Promise.all([
		page.waitForURL((url) => !url.pathname.startsWith('/login')),
		page.getByRole('button', { name: '登录' }).click()
	]);
	const url = `/points/${point.id}/rounds/${current}`;
	return { point, staff, round: current, url, context, page };
}

/** Opens the checklist online and waits until the service worker controls it (and kept the page). */
async function openOnline(page: Page, url: string) {
	await page.goto(url);
	// Bounded, and saying how far the worker got: an unbounded wait here once hung a cold CI run.
	// A worker that is not in control after 30 s gets one reload, as a person would give it.
	const controlled = () =>
		page.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 30_000 });
	const workerState = () =>
		page.evaluate(async () => {
			const r = await navigator.serviceWorker.getRegistration();
			return JSON.stringify({
				installing: r?.installing?.state,
				waiting: r?.waiting?.state,
				active: r?.active?.state
			});
		});
	await controlled().catch(async () => {
		console.warn(`offline e2e: no service worker in control after 30 s (${await workerState()}); reloading`);
		await page.reload();
		await controlled().catch(async (e) => {
			throw new Error(`the service worker never controlled the checklist: ${await workerState()}`, {
				cause: e
			});
		});
	});
	// Once more through the worker, which keeps it (it also fetches the page it found open when it
	// installed, but only once it has finished activating).
	await page.reload();
	await page.waitForFunction(async () => (await caches.keys()).some((k) => k.startsWith('pages-')));
	await page.waitForFunction(async () => {
		for (const name of await caches.keys())
			if (name.startsWith('pages-') && (await (await caches.open(name)).keys()).length > 0) return true;
		return false;
	});
}

/** Waits until the worker keeps a page (or its data) whose address ends in `tail`. */
async function kept(page: Page, tail: string) {
	await page.waitForFunction(async (tail) => {
		for (const name of await caches.keys())
			if (name.startsWith('pages-'))
				for (const r of await (await caches.open(name)).keys())
					if (new URL(r.url).pathname.endsWith(tail)) return true;
		return false;
	}, tail);
}

/** Closing a context with a service worker can stall: bounded, since it is only clean-up. */
async function closeContext(context: BrowserContext) {
	let timer: ReturnType<typeof setTimeout> | undefined;
	await Promise.race([
		context.close(),
		new Promise<void>((resolve) => {
			timer = setTimeout(() => {
				console.warn('offline e2e: a browser context took over 10 s to close; going on');
				resolve();
			}, 10_000);
		})
	]);
	clearTimeout(timer);
}

const submission = (roundId: number, pointId: number) =>
	db
		.selectFrom('submissions')
		.selectAll()
		.where('round_id', '=', roundId)
		.where('point_id', '=', pointId)
		.executeTakeFirst();

/** A submission's stored answers (JSON text) by item. */
const storedAnswers = async (submissionId: number) =>
	Object.fromEntries(
		(
			await db
				.selectFrom('answers')
				.select(['item_key', 'value'])
				.where('submission_id', '=', submissionId)
				.execute()
		).map((a) => [a.item_key, a.value])
	);

const auditCount = async (action: string, entityId: number) =>
	(
		await db
			.selectFrom('audit_log')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('action', '=', action)
			.where('entity_id', '=', String(entityId))
			.executeTakeFirstOrThrow()
	).n;

async function statusLine(page: Page, text: string) {
	await page.locator('.sync-status').getByText(text).waitFor();
}

describe('the checklist offline', { timeout: 120_000 }, () => {
	let w: Awaited<ReturnType<typeof world>>;

	it('keeps what was typed offline through a reload and a closed tab, then submits it once online', async () => {
		w = await world();
		await openOnline(w.page, w.url);
		await w.context.setOffline(true);

		await w.page.getByLabel(MEETINGS).fill('5');
		await w.page.getByLabel(NOTE).fill('换届选举多开了两次');
		// Enter in a field saves and moves on, as the primary button does.
		await w.page.getByLabel(NOTE).press('Enter');
		await statusLine(w.page, '已保存在本机，联网后自动提交');
		await w.page.getByLabel(REQUESTS).waitFor();
		expect(w.page.url()).toMatch(/section=1$/);
		await expect(w.page.evaluate(() => document.activeElement?.getAttribute('name'))).resolves.toBe(
			'a.data_requests'
		);
		await w.page.getByLabel(REQUESTS).fill('7');
		await screenshot(w.page, 'offline-saved-local-375');

		// A reload with no network: the kept page, with everything typed.
		await w.page.reload();
		await w.page.getByLabel(REQUESTS).waitFor();
		await expect.poll(() => w.page.getByLabel(REQUESTS).inputValue()).toBe('7');
		await w.page
			.locator('.sync-status')
			.getByText(/项答案尚未送到服务器/)
			.waitFor();

		// The tab closed and opened again, still offline.
		await w.page.close();
		w.page = await w.context.newPage();
		await w.page.goto(w.url + '?section=0');

		await expect.poll(() => w.page.getByLabel(MEETINGS).inputValue()).toBe('5');
		await expect.poll(() => w.page.getByLabel(NOTE).inputValue()).toBe('换届选举多开了两次');
		await w.page.getByRole('button', { name: /保存，下一节/ }).click();
		await w.page.getByRole('button', { name: /保存，核对并提交/ }).click();
		await w.page.getByRole('button', { name: '确认提交' }).click();
		await statusLine(w.page, '已保存在本机，联网后自动提交');
		// Queued, not done: the review step must not look submitted.
		await expect(w.page.getByText('已提交，等待审核').count()).resolves.toBe(0);
		expect(await submission(w.round, w.point.id)).toBeUndefined();

		await w.context.setOffline(false);
		await w.page.getByRole('status').filter({ hasText: '已提交，等待审核' }).waitFor({ timeout: 20_000 });
		const sent = (await submission(w.round, w.point.id))!;
		expect(sent.status).toBe('submitted');
		expect(await auditCount('submission.submit', sent.id)).toBe(1);
		expect(await storedAnswers(sent.id)).toMatchObject({
			meetings_attended: '5',
			data_requests: '7',
			meeting_note: '"换届选举多开了两次"'
		});
		await closeContext(w.context);
	});

	it('submits an unchanged round with no network, and it lands when the network returns', async () => {
		w = await world();
		await openOnline(w.page, w.url);
		// Its own page: the checklist fetched it while online, for the phone to keep.
		await kept(w.page, '/same/__data.json');
		await w.context.setOffline(true);
		await w.page.getByRole('link', { name: '与上轮相同，直接提交' }).click();
		const step = w.page.locator('.same-all-step');
		await step.waitFor();
		await screenshot(w.page, 'offline-same-step-375');
		await step.getByRole('button', { name: '确认提交' }).click();
		await statusLine(w.page, '已保存在本机，联网后自动提交');
		await expect(w.page.getByText('已提交，等待审核').count()).resolves.toBe(0);
		expect(await submission(w.round, w.point.id)).toBeUndefined();

		await w.context.setOffline(false);
		await w.page.getByRole('status').filter({ hasText: '已提交，等待审核' }).waitFor({ timeout: 20_000 });
		const sent = (await submission(w.round, w.point.id))!;
		expect(sent.status).toBe('submitted');
		expect(await auditCount('submission.submit', sent.id)).toBe(1);
		// Last round's answers to what carries over; the note, a period's own, is not copied.
		expect(await storedAnswers(sent.id)).toMatchObject({
			meetings_attended: '3',
			data_requests: '2'
		});
		await closeContext(w.context);
	});

	it('applies a save once when its answer was lost and the phone sends it again', async () => {
		w = await world();
		await openOnline(w.page, w.url);
		let dropped = 0;
		await w.page.route('**/api/checklists/**', async (route) => {
			if (route.request().method() === 'POST' && dropped === 0) {
				dropped++;
				await route.fetch(); // the server applies it…
				return route.abort('connectionreset'); // …and the answer never reaches the phone
			}
			return route.continue();
		});
		await w.page.getByLabel(MEETINGS).fill('6');
		await w.page.getByRole('button', { name: /保存，下一节/ }).click();
		await statusLine(w.page, '已保存');
		expect(dropped).toBe(1);
		const saved = (await submission(w.round, w.point.id))!;
		expect(saved.version).toBe(1);
		expect(await auditCount('submission.answers', saved.id)).toBe(1);
		await expect(w.page.locator('.conflict').count()).resolves.toBe(0);
		await closeContext(w.context);
	});

	it('shows both values when a reviewer returned a copy that changed meanwhile, and keeps the choice', async () => {
		w = await world();
		await openOnline(w.page, w.url);
		await w.context.setOffline(true);
		await w.page.getByLabel(MEETINGS).fill('8');
		await w.page.getByRole('button', { name: /保存，下一节/ }).click();
		await statusLine(w.page, '已保存在本机，联网后自动提交');

		// Meanwhile a second phone saved 4 and submitted; the reviewer returned it.
		const base = { roundId: w.round, pointId: w.point.id };
		const other = await saveAnswers(db, w.staff.id, {
			...base,
			expectedVersion: null,
			raw: { meetings_attended: '4', meeting_note: '', data_requests: '2' },
			notes: {}
		});
		const done = await submit(db, w.staff.id, {
			...base,
			expectedVersion: other.version,
			clientToken: 'second-phone'
		});
		await returnSubmission(db, null, done.submissionId, '会议次数与台账不符');

		await w.context.setOffline(false);
		const panel = w.page.locator('.conflict');
		await panel.waitFor({ timeout: 20_000 });
		await expect(panel.getByText('本机填写').first().isVisible()).resolves.toBe(true);
		await expect(panel.locator('fieldset').filter({ hasText: MEETINGS }).textContent()).resolves.toMatch(
			/8[\s\S]*4/
		);
		await screenshot(w.page, 'offline-conflict-375');
		// Nothing is decided for the staff member.
		expect((await submission(w.round, w.point.id))!.status).toBe('returned');
		await panel.getByRole('radio').first().check();
		await panel.getByRole('button', { name: '按所选继续' }).click();
		await panel.waitFor({ state: 'detached' });
		await expect.poll(async () => (await storedAnswers(done.submissionId)).meetings_attended).toBe('8');
		await closeContext(w.context);
	});
});
