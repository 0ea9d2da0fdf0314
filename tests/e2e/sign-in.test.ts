import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DESKTOP, launch, newPage, screenshot, signIn } from './browser';

const baseURL = inject('baseURL');
let browser: Browser;

beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => {
	await browser?.close();
});

async function expectAccessible(page: Page) {
	const result = await new AxeBuilder({ page }).analyze();
	const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

const roles = [
	{
		role: 'staff',
		username: 'staff',
		password: 'demo-staff-2026',
		path: /^\/points\/\d+$/,
		heading: '丽景社区居委会'
	},
	{
		role: 'reviewer',
		username: 'reviewer',
		password: 'demo-reviewer-2026',
		path: /^\/regions\/640104$/,
		heading: '兴庆区'
	},
	{
		role: 'analyst',
		username: 'analyst',
		password: 'demo-analyst-2026',
		path: /^\/trends\/64$/,
		heading: '宁夏回族自治区'
	},
	{ role: 'admin', username: 'admin', password: 'demo-admin-2026', path: /^\/admin$/, heading: '系统管理' }
];

describe('signing in', () => {
	it('shows an accessible sign-in page in Chinese at phone and desktop width', async () => {
		const page = await newPage(browser, baseURL);
		await page.goto('/');
		expect(new URL(page.url()).pathname).toBe('/login');
		await expect(page.locator('html').getAttribute('lang')).resolves.toBe('zh-CN');
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('登录');
		await expectAccessible(page);
		await screenshot(page, 'sign-in-375');
		await page.setViewportSize(DESKTOP);
		await screenshot(page, 'sign-in-1280');
		await page.context().close();
	});

	for (const r of roles) {
		it(`takes the ${r.role} to their landing page`, async () => {
			const page = await newPage(browser, baseURL);
			await signIn(page, r.username, r.password);
			expect(new URL(page.url()).pathname).toMatch(r.path);
			await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(r.heading);
			await expectAccessible(page);
			await screenshot(page, `landing-${r.role}-375`);
			await page.setViewportSize(DESKTOP);
			await screenshot(page, `landing-${r.role}-1280`);
			await page.context().close();
		});
	}

	it('shows a clear message for a wrong password and keeps the username', async () => {
		const page = await newPage(browser, baseURL);
		await page.goto('/login');
		await page.getByLabel('用户名').fill('reviewer');
		await page.getByLabel('密码').fill('not-the-password');
		await page.getByRole('button', { name: '登录' }).click();
		await expect(page.getByRole('alert').textContent()).resolves.toContain('用户名或密码不正确');
		await expect(page.getByLabel('用户名').inputValue()).resolves.toBe('reviewer');
		await screenshot(page, 'sign-in-error-375');
		await page.context().close();
	});

	it('works with JavaScript turned off', async () => {
		const page = await newPage(browser, baseURL, { javaScriptEnabled: false });
		await signIn(page, 'reviewer', 'demo-reviewer-2026');
		expect(new URL(page.url()).pathname).toBe('/regions/640104');
		await page.context().close();
	});

	it('switches the interface to English and back', async () => {
		const page = await newPage(browser, baseURL);
		await page.goto('/login');
		await page.getByRole('button', { name: 'English' }).click();
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Sign in');
		await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
		await page.getByRole('button', { name: '中文' }).click();
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('登录');
		await page.context().close();
	});
});

describe('scope', () => {
	it("answers 404 when staff open another point's page, a region page or administration", async () => {
		const page = await newPage(browser, baseURL);
		await signIn(page, 'staff', 'demo-staff-2026');
		const own = Number(new URL(page.url()).pathname.split('/').pop());
		const other = own === 1 ? 2 : 1;
		for (const path of [`/points/${other}`, '/regions/64', '/regions/640104', '/admin', '/admin/users']) {
			const response = await page.goto(path);
			expect(response?.status(), path).toBe(404);
		}
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('页面不存在');
		await expect(page.locator('main').textContent()).resolves.toContain('找不到该页面，或您无权查看。');
		await page.context().close();
	});

	it('lets a reviewer open points in their county but not elsewhere', async () => {
		const page = await newPage(browser, baseURL);
		await signIn(page, 'reviewer', 'demo-reviewer-2026');
		await page.getByRole('link', { name: '丽景社区居委会' }).click();
		await page.waitForURL(/\/points\/\d+$/);
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('丽景社区居委会');
		expect((await page.goto('/regions/6402'))?.status()).toBe(404);
		await page.context().close();
	});
});

describe('first sign-in', () => {
	it('makes a new user replace the one-time password before anything else', async () => {
		const admin = await newPage(browser, baseURL, { viewport: DESKTOP });
		await signIn(admin, 'admin', 'demo-admin-2026');
		await admin.goto('/admin/users');
		await admin.getByLabel('用户名', { exact: true }).fill('yinchuan.reviewer');
		await admin.getByLabel('姓名').fill('银川市审核员');
		await admin.getByLabel('角色').selectOption('reviewer');
		await admin.getByLabel('范围代码').fill('6401');
		await admin.getByRole('button', { name: '创建用户' }).click();
		const otp = (await admin.getByTestId('one-time-password').textContent())!.trim();
		expect(otp).toMatch(/^[A-Za-z0-9]{12}$/);
		await screenshot(admin, 'admin-user-created-1280');

		const page = await newPage(browser, baseURL);
		await signIn(page, 'yinchuan.reviewer', otp);
		expect(new URL(page.url()).pathname).toBe('/password');
		// Any other page sends them back until the password is changed.
		await page.goto('/regions/6401');
		expect(new URL(page.url()).pathname).toBe('/password');
		await screenshot(page, 'first-sign-in-375');
		await page.getByLabel('当前密码').fill(otp);
		await page.getByLabel('新密码', { exact: true }).fill('a-new-secret-2026');
		await page.getByLabel('再次输入新密码').fill('a-new-secret-2026');
		await page.getByRole('button', { name: '保存新密码' }).click();
		await page.waitForURL(/\/regions\/6401$/);
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('银川市');
		await admin.context().close();
		await page.context().close();
	});
});
