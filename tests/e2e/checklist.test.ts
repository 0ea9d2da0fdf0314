import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { answerBlanks, DESKTOP, launch, newPage, screenshot, signIn } from './browser';

const baseURL = inject('baseURL');
const POINT = '丽景社区居委会';
let browser: Browser;

beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => {
	await browser?.close();
});

const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

async function openSubmissionAsReviewer(page: Page, roundName: string) {
	await page.goto('/rounds');
	await page.getByRole('link', { name: roundName }).click();
	await page.getByRole('link', { name: POINT }).click();
	await page.waitForURL(/\/submissions\/\d+$/);
}

const atStep = (page: Page, step: string | number) =>
	expect.poll(() => page.url(), { timeout: 15_000 }).toMatch(new RegExp(`section=${step}$`));

/**
 * Answers what is still blank and clicks "save, next" through every section left to the review
 * step (register-only sections are passed over: they cost no tap).
 */
async function saveThroughSections(page: Page) {
	for (let i = 0; i < 6 && !page.url().endsWith('section=review'); i++) {
		const before = page.url();
		await answerBlanks(page);
		await page.getByRole('button', { name: /^保存，(下一节|核对并提交)/ }).click();
		await expect.poll(() => page.url(), { timeout: 15_000 }).not.toBe(before);
	}
	await atStep(page, 'review');
}

describe('the 六必查 at 375 px, from filling to acceptance', () => {
	let staff: Page;
	let reviewer: Page;
	let currentRound = '';

	it('lets staff fill the prefilled checklist and submit it', async () => {
		staff = await newPage(browser, baseURL);
		await signIn(staff, 'staff', 'demo-staff-2026');
		const round = staff.locator('.round-card a').first();
		currentRound = (await round.textContent())!.trim();
		await round.click();
		await staff.waitForURL(/\/rounds\/\d+/);
		await expect(staff.getByText('已按上一轮通过审核的答案预先填好').isVisible()).resolves.toBe(true);
		// 查牌子 is all register figures, so it costs no tap: the checklist opens on 查机制.
		await expect(staff.getByRole('heading', { level: 2 }).first().textContent()).resolves.toContain('查机制');
		await screenshot(staff, 'checklist-form-375');

		// The signboard counts come from the registers: shown, not typed.
		await staff.getByRole('button', { name: '查牌子' }).click();
		await atStep(staff, 0);
		await expect(staff.getByText('数字来自本观测点台账').first().isVisible()).resolves.toBe(true);
		await staff.getByRole('button', { name: '查机制' }).click();
		await atStep(staff, 1);

		// A wrong answer is refused next to the field and what was typed stays.
		await staff.getByLabel('要求本村（社区）承接的委员会、领导小组等工作机制有几个？').fill('三块');
		await staff.getByRole('button', { name: '保存，下一节 →' }).click();
		await expect(staff.locator('.field-error').first().textContent()).resolves.toContain('请填一个整数');
		await expect(
			staff.getByLabel('要求本村（社区）承接的委员会、领导小组等工作机制有几个？').inputValue()
		).resolves.toBe('三块');
		await screenshot(staff, 'checklist-error-375');

		await staff.getByLabel('要求本村（社区）承接的委员会、领导小组等工作机制有几个？').fill('4');
		// Jumping to another section saves it first.
		await staff.getByRole('button', { name: '查证明' }).click();
		await atStep(staff, 2);
		await staff.getByRole('button', { name: '查机制' }).click();
		await atStep(staff, 1);
		await expect(
			staff.getByLabel('要求本村（社区）承接的委员会、领导小组等工作机制有几个？').inputValue()
		).resolves.toBe('4');
		// The Go/Enter key in a field saves and moves on, to the next section's first question.
		await answerBlanks(staff);
		await staff.getByLabel('其中本期新要求设立的有几个？').press('Enter');
		await atStep(staff, 2);
		await expect(staff.evaluate(() => document.activeElement?.getAttribute('name'))).resolves.toMatch(/^a\./);
		await saveThroughSections(staff);
		await staff.getByRole('button', { name: '确认提交' }).click();
		await staff.getByRole('status').filter({ hasText: '已提交，等待审核' }).waitFor();
	});

	it('lets the reviewer return it with a reason the staff member sees', async () => {
		reviewer = await newPage(browser, baseURL);
		await signIn(reviewer, 'reviewer', 'demo-reviewer-2026');
		await openSubmissionAsReviewer(reviewer, currentRound);
		await screenshot(reviewer, 'review-submission-375');
		// No reason: refused next to the field.
		await reviewer.getByRole('button', { name: '退回修改' }).click();
		await expect(reviewer.locator('#return-error').textContent()).resolves.toContain('请写明原因');
		await reviewer.getByLabel('退回原因').fill('外挂牌子数与台账不符，请核实');
		await reviewer.getByRole('button', { name: '退回修改' }).click();
		await reviewer.getByRole('status').filter({ hasText: '已退回' }).waitFor();

		await staff.reload();
		await expect(staff.locator('.notice.error').first().textContent()).resolves.toContain(
			'外挂牌子数与台账不符'
		);
	});

	it('lets staff correct and resubmit, and the reviewer accept', async () => {
		await staff.locator('.steps').getByRole('link', { name: '查机制' }).click();
		await staff.getByLabel('要求本村（社区）承接的委员会、领导小组等工作机制有几个？').fill('5');
		await saveThroughSections(staff);
		await staff.getByRole('button', { name: '确认提交' }).click();
		await staff.getByRole('status').filter({ hasText: '已提交，等待审核' }).waitFor();

		await reviewer.reload();
		await expect(
			reviewer.getByText('“要求本村（社区）承接的委员会、领导小组等工作机制有几个？”：4 → 5').isVisible()
		).resolves.toBe(true);
		await reviewer.getByRole('button', { name: '审核通过' }).click();
		await reviewer.getByRole('status').filter({ hasText: '已审核通过' }).waitFor();

		await reviewer.goto('/rounds');
		await reviewer.getByRole('link', { name: currentRound }).click();
		await screenshot(reviewer, 'review-round-375');
	});

	it('opens the next round prefilled, and an unchanged point submits it in at most 3 taps', async () => {
		const admin = await newPage(browser, baseURL, { viewport: DESKTOP });
		await signIn(admin, 'admin', 'demo-admin-2026');
		await admin.goto('/rounds/new');
		await admin.getByLabel('名称').fill('下一季度“六必查”');
		await admin.getByLabel('期间').fill('2031-Q1');
		await admin.getByLabel('目标地区代码').fill('640104');
		await admin.getByRole('button', { name: '创建轮次（草稿）' }).click();
		await admin.waitForURL(/\/rounds\/\d+$/);
		await admin.getByRole('button', { name: '开启轮次' }).click();
		await admin.getByRole('status').filter({ hasText: '轮次已开启' }).waitFor();
		await admin.context().close();

		await staff.goto('/');
		let taps = 0;
		const tap = async (p: Promise<void>) => {
			taps++;
			await p;
		};
		await tap(staff.locator('.round-card').getByRole('link', { name: '下一季度“六必查”' }).first().click());
		await staff.waitForURL(/\/rounds\/\d+/);
		await tap(staff.getByRole('link', { name: '与上轮相同，直接提交' }).click());
		// One screen: what carries over and what the registers say, and the period's own questions.
		await staff.locator('.same-all-step').waitFor();
		await answerBlanks(staff, '.same-all-step');
		await screenshot(staff, 'checklist-same-step-375');
		await tap(staff.locator('.same-all-step').getByRole('button', { name: '确认提交' }).click());
		await staff.getByRole('status').filter({ hasText: '已提交，等待审核' }).waitFor();
		expect(taps).toBeLessThanOrEqual(3);
		// The unchanged answers are last round's accepted ones.
		await expect(staff.locator('.summary').nth(1).locator('dd').first().textContent()).resolves.toContain(
			'5'
		);
		await screenshot(staff, 'checklist-same-as-last-375');
		await staff.context().close();
		await reviewer.context().close();
	});
});

describe('the 六必查 without JavaScript', () => {
	it('saves every section and submits through plain form posts', async () => {
		const admin = await newPage(browser, baseURL, { viewport: DESKTOP });
		await signIn(admin, 'admin', 'demo-admin-2026');
		await admin.goto('/rounds/new');
		await admin.getByLabel('名称').fill('无脚本测试轮次');
		await admin.getByLabel('周期').selectOption('month');
		await admin.getByLabel('期间').fill('2031-05');
		await admin.getByLabel('目标地区代码').fill('640104');
		await admin.getByRole('button', { name: '创建轮次（草稿）' }).click();
		await admin.waitForURL(/\/rounds\/\d+$/);
		await admin.getByRole('button', { name: '开启轮次' }).click();
		await admin.context().close();

		const page = await newPage(browser, baseURL, { javaScriptEnabled: false });
		await signIn(page, 'staff', 'demo-staff-2026');
		await page.locator('.round-card').getByRole('link', { name: '无脚本测试轮次' }).first().click();
		// A value far from last round's asks for a reason; without JS it comes back from the server.
		await page.getByRole('button', { name: '查机制' }).click();
		await page.getByLabel('要求本村（社区）承接的委员会、领导小组等工作机制有几个？').fill('60');
		await page.getByRole('button', { name: '保存，下一节 →' }).click();
		await expect(page.locator('.field-error').first().textContent()).resolves.toContain('相差很大');
		await page.getByLabel(/相差较大，请说明原因/).fill('县里新设多个专项工作组，均要求村里承接');
		await saveThroughSections(page);
		await expect(page.getByText('县里新设多个专项工作组，均要求村里承接').isVisible()).resolves.toBe(true);
		await page.getByRole('button', { name: '确认提交' }).click();
		await page.getByRole('status').filter({ hasText: '已提交，等待审核' }).waitFor();
		expect(await heading(page)).toBe('无脚本测试轮次');
		await page.context().close();
	});
});
