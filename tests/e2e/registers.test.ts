import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pngWithText } from '../helpers/images';
import { DESKTOP, launch, newPage, screenshot, signIn } from './browser';

const baseURL = inject('baseURL');
const PLATE = '老龄工作委员会（二〇二六年补挂）';
let browser: Browser;
let staff: Page;
let registersUrl = '';

beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => {
	await browser?.close();
});

const stat = async (page: Page, label: string) =>
	Number(await page.locator('.stat', { hasText: label }).locator('.stat-value').first().textContent());
const plateCard = (page: Page) => page.locator('li, article, .card', { hasText: PLATE }).last();
const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

describe('the registers at 375 px', () => {
	it('adds a plate, removes it with a photo, and sees the rebound when it is hung again', async () => {
		staff = await newPage(browser, baseURL);
		await signIn(staff, 'staff', 'demo-staff-2026');
		await staff.getByRole('link', { name: '台账' }).first().click();
		await staff.waitForURL(/\/registers/);
		registersUrl = staff.url();
		const exteriorBefore = await stat(staff, '在挂外挂标牌');

		const add = staff.locator('form', { has: staff.getByLabel('牌子上的文字') });
		await add.getByLabel('牌子上的文字').fill(PLATE);
		await add.getByLabel('类别', { exact: true }).selectOption({ label: '老龄工作委员会' });
		await add.getByLabel('要求挂牌的部门').fill('县老龄办');
		await add.getByLabel('挂出日期').fill(today);
		await add.getByRole('button', { name: '登记', exact: true }).click();
		await plateCard(staff).waitFor();
		await expect.poll(() => stat(staff, '在挂外挂标牌')).toBe(exteriorBefore + 1);
		await expect.poll(() => add.getByLabel('牌子上的文字').inputValue()).toBe('');

		const card = plateCard(staff);
		await card.getByText('登记摘除').click();
		await card.getByLabel('摘除日期').fill(today);
		await card
			.getByLabel(/现场照片/)
			.setInputFiles({ name: 'removed.png', mimeType: 'image/png', buffer: pngWithText() });
		await card.getByRole('button', { name: '确认摘除' }).click();
		await expect.poll(() => stat(staff, '在挂外挂标牌')).toBe(exteriorBefore);
		const photo = plateCard(staff).locator('img');
		await photo.waitFor();
		const src = await photo.getAttribute('src');
		expect(src).toMatch(/^\/photos\/\d+$/);
		expect((await staff.request.get(src!)).status()).toBe(200);

		await plateCard(staff).getByText('登记重新挂出').click();
		await plateCard(staff).getByRole('button', { name: /确认/ }).click();
		await expect.poll(() => stat(staff, '反弹')).toBeGreaterThanOrEqual(1);
		await expect(plateCard(staff).textContent()).resolves.toContain('反弹');
		await screenshot(staff, 'registers-rebound-375');
	});

	it('records a secondment and its return', async () => {
		await staff.goto(`${registersUrl}?tab=secondments`);
		const activeBefore = await stat(staff, '借调在外');
		await staff.getByLabel('被借调人姓名').fill('张测试');
		await staff.getByLabel('在村（社区）的岗位').fill('妇联主席');
		await staff.getByLabel('借调单位').fill('县文明办');
		await staff.getByLabel('借调开始日期').fill(today);
		await staff.getByRole('button', { name: '登记', exact: true }).click();
		await expect.poll(() => stat(staff, '借调在外')).toBe(activeBefore + 1);
		await expect.poll(() => stat(staff, '未经审批')).toBeGreaterThanOrEqual(1);

		const card = staff.locator('li, article, .card', { hasText: '张测试' }).last();
		await card.getByLabel('返回日期').fill(today);
		await card.getByRole('button', { name: '登记返回' }).click();
		await expect.poll(() => stat(staff, '借调在外')).toBe(activeBefore);
		await screenshot(staff, 'registers-secondments-375');
	});

	it('shows those counts in the next checklist', async () => {
		const admin = await newPage(browser, baseURL, { viewport: DESKTOP });
		await signIn(admin, 'admin', 'demo-admin-2026');
		await admin.goto('/rounds/new');
		await admin.getByLabel('名称').fill('台账核对轮次');
		await admin.getByLabel('周期').selectOption('custom');
		await admin.getByLabel('开始日期').fill(today);
		await admin.getByLabel('结束日期').fill(today);
		await admin.getByLabel('目标地区代码').fill('640104');
		await admin.getByRole('button', { name: '创建轮次（草稿）' }).click();
		await admin.waitForURL(/\/rounds\/\d+$/);
		await admin.getByRole('button', { name: '开启轮次' }).click();
		await admin.getByRole('status').filter({ hasText: '轮次已开启' }).waitFor();
		await admin.context().close();

		await staff.goto(registersUrl);
		const exterior = await stat(staff, '在挂外挂标牌');
		await staff.goto('/');
		await staff.locator('.round-card').getByRole('link', { name: '台账核对轮次' }).first().click();
		const question = (label: string) => staff.locator('.question', { hasText: label });
		await expect(
			question('办公场所外挂的牌子有几块？').locator('.register-value').textContent()
		).resolves.toContain(String(exterior));
		await expect(
			question('本期有没有已取消类别的牌子重新挂出？').locator('.register-value').textContent()
		).resolves.toContain('是');
		await staff.getByRole('button', { name: '查借调' }).click();
		await expect.poll(() => staff.url()).toMatch(/section=3$/);
		await screenshot(staff, 'checklist-from-registers-375');
		await staff.context().close();
	});
});
