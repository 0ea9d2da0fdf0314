import fs from 'node:fs';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DESKTOP, launch, newPage, PHONE, screenshot, signIn } from './browser';

const baseURL = inject('baseURL');
let browser: Browser;
let analyst: Page;
let reportUrl = '';
let printUrl = '';

beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => {
	await browser?.close();
});

// The demo's last closed quarter, in China time: the form's default.
function lastClosedQuarter(): { key: string; label: string } {
	const now = new Date(Date.now() + 8 * 3600_000);
	let y = now.getUTCFullYear();
	let q = Math.floor(now.getUTCMonth() / 3);
	if (q === 0) [y, q] = [y - 1, 4];
	return { key: `${y}-Q${q}`, label: `${y}年第${q}季度` };
}

async function savedBytes(download: Download): Promise<Buffer> {
	const file = await download.path();
	return fs.readFileSync(file);
}

describe('the quarterly report', () => {
	it('is requested for the province, shows its progress and is ready to download', async () => {
		analyst = await newPage(browser, baseURL, { viewport: DESKTOP, acceptDownloads: true });
		await signIn(analyst, 'analyst', 'demo-analyst-2026');
		await analyst.getByRole('link', { name: '报告', exact: true }).click();
		await analyst.waitForURL(/\/reports$/);
		const quarter = lastClosedQuarter();
		await expect(analyst.getByLabel('季度').inputValue()).resolves.toBe(quarter.key);
		await expect(analyst.getByLabel('地区').inputValue()).resolves.toBe('64');
		await expect(analyst.getByLabel('发文单位').getAttribute('placeholder')).resolves.toBe(
			'宁夏回族自治区整治形式主义为基层减负专项工作机制办公室'
		);
		await screenshot(analyst, 'reports-form-1280');

		await analyst.getByRole('button', { name: '生成报告' }).click();
		await analyst.waitForURL(/\/reports\/\d+$/);
		reportUrl = analyst.url();
		// Polling must update this page in place, not reload it.
		await analyst.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
		const bar = analyst.locator('progress');
		await bar.waitFor();
		await screenshot(analyst, 'reports-running-1280');
		await analyst.getByRole('link', { name: /Word 文档/ }).waitFor({ timeout: 45_000 });
		await expect(bar.getAttribute('value')).resolves.toBe('100');
		await expect(analyst.locator('.pct').textContent()).resolves.toBe('100%');
		await expect(analyst.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).resolves.toBe(
			true
		);
		await expect(analyst.locator('h1').textContent()).resolves.toBe(
			`宁夏回族自治区${quarter.label}基层减负观测情况报告`
		);
		await screenshot(analyst, 'reports-done-1280');

		for (const [name, ext] of [
			[/Word 文档/, 'docx'],
			[/Excel 工作簿/, 'xlsx']
		] as const) {
			const [download] = await Promise.all([
				analyst.waitForEvent('download'),
				analyst.getByRole('link', { name }).click()
			]);
			expect(download.suggestedFilename()).toBe(`宁夏回族自治区${quarter.label}基层减负观测情况报告.${ext}`);
			const bytes = await savedBytes(download);
			expect(bytes.length).toBeGreaterThan(1000);
			expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
		}
		const [csv] = await Promise.all([
			analyst.waitForEvent('download'),
			analyst.getByRole('link', { name: /原始答案/ }).click()
		]);
		expect((await savedBytes(csv)).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
	});

	it('stays in the list with who made it', async () => {
		await analyst.goto('/reports');
		const card = analyst.locator('li.report').first();
		await expect(card.textContent()).resolves.toContain('自治区减负办分析员');
		await expect(card.textContent()).resolves.toContain('已完成');
		await analyst.setViewportSize(PHONE);
		await screenshot(analyst, 'reports-list-375');
		await analyst.goto(reportUrl);
		await screenshot(analyst, 'reports-done-375');
	});

	it('opens in a print view with numbered sections, charts and a print stylesheet', async () => {
		await analyst.setViewportSize(DESKTOP);
		await analyst.goto(reportUrl);
		await analyst.getByRole('link', { name: '打印版' }).click();
		await analyst.waitForURL(/\/reports\/print\?/);
		printUrl = analyst.url();
		const headings = await analyst.locator('article h2').allTextContents();
		expect(headings.length).toBeGreaterThanOrEqual(3);
		expect(headings[0]).toMatch(/^一、/);
		expect(headings[1]).toMatch(/^二、/);
		expect(headings[2]).toMatch(/^三、/);
		const charts = analyst.locator('article img');
		expect(await charts.count()).toBeGreaterThan(0);
		await expect(charts.first().getAttribute('src')).resolves.toMatch(/^data:image\/png;base64,/);
		expect(await charts.first().evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
		// The rebound list names each point once, with the rule's reason and its numbers.
		const rebounds = analyst.locator('section', { hasText: '五、反弹问题清单' });
		const list = (await rebounds.textContent()) ?? '';
		expect(list).toContain('燕鸽村委会');
		expect(list).toContain('取消事项出现即为反弹');
		expect(list).toMatch(/近4期平均 [\d.]+ 次，高于减负后常态 [\d.]+ 次（波动上限 [\d.]+ 次）/);
		expect(list.split('燕鸽村委会').length - 1).toBe(1);
		await analyst.getByRole('button', { name: '打印' }).waitFor();
		await screenshot(analyst, 'reports-print-1280');

		await analyst.emulateMedia({ media: 'print' });
		await expect(analyst.locator('header.topbar').isVisible()).resolves.toBe(false);
		await expect(analyst.getByRole('button', { name: '打印' }).isVisible()).resolves.toBe(false);
		await screenshot(analyst, 'reports-print-media');
		// On A4 every section starts a page: at least one page per section after the title page.
		const pdf = await analyst.pdf({ format: 'A4', printBackground: true });
		if (process.env.REPORT_PDF) fs.writeFileSync(process.env.REPORT_PDF, pdf);
		const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
		expect(pages).toBeGreaterThanOrEqual(headings.length);
		await analyst.emulateMedia({ media: 'screen' });
		await analyst.setViewportSize(PHONE);
		await screenshot(analyst, 'reports-print-375');
		const overflow = await analyst.evaluate(
			() => document.documentElement.scrollWidth - document.documentElement.clientWidth
		);
		expect(overflow).toBeLessThanOrEqual(0);
		await analyst.context().close();
	});

	it('works without JavaScript: the page refreshes itself until the files are ready', async () => {
		const page = await newPage(browser, baseURL, { viewport: PHONE, javaScriptEnabled: false });
		await signIn(page, 'analyst', 'demo-analyst-2026');
		await page.goto('/reports');
		await page.getByLabel('地区').selectOption('640104');
		await page.getByRole('button', { name: '生成报告' }).click();
		await page.waitForURL(/\/reports\/\d+$/);
		await page.getByRole('link', { name: /Word 文档/ }).waitFor({ timeout: 45_000 });
		await expect(page.locator('h1').textContent()).resolves.toContain('兴庆区');
		await page.context().close();
	});

	it('is a 404 for a reviewer outside the report’s region', async () => {
		const page = await newPage(browser, baseURL);
		await signIn(page, 'reviewer', 'demo-reviewer-2026');
		for (const path of [reportUrl, `${reportUrl}/status`, `${reportUrl}/files/docx`, printUrl]) {
			const res = await page.request.get(path.replace(baseURL, ''));
			expect(res.status(), path).toBe(404);
		}
		await page.context().close();
	});
});
