// The trends dashboard in Chromium on the demo database: an analyst drills down from the region to
// the point the demo seeded with a cancelled plate hung again, finds that rebound with a working
// evidence link, sees the charts drawn, and a reader without JavaScript still gets the figures.
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_REBOUND_POINTS } from '../../src/lib/server/demo/demo-facts';
import { DESKTOP, launch, newPage, screenshot, signIn } from './browser';

const baseURL = inject('baseURL');
// The demo's rehung plate in 兴庆区 (640104), in the last closed quarter.
const target = DEMO_REBOUND_POINTS.find(
	(r) => r.code.startsWith('640104') && r.indicator === 'signboards_rehung'
)!;
const chain = ['6401', '640104', target.code.slice(0, 9)];

let browser: Browser;
let pointPath = '';

beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => {
	await browser?.close();
});

const childLink = (page: Page, href: string) =>
	page.locator('#trend-children-h + * table').locator(`a[href^="${href}"]`);

async function expectAccessible(page: Page) {
	const result = await new AxeBuilder({ page }).analyze();
	const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/**
 * A full-page screenshot with the viewport already as tall as the page: resizing it during the
 * capture makes chart.js clear its canvases and the picture would show empty charts.
 */
async function shot(page: Page, name: string) {
	const size = page.viewportSize()!;
	const height = await page.evaluate(() => document.documentElement.scrollHeight);
	await page.setViewportSize({ width: size.width, height });
	await page.waitForTimeout(400);
	await screenshot(page, name);
	await page.setViewportSize(size);
}

/** Every canvas on the page, after scrolling through it so the small charts draw themselves. */
async function drawnCanvases(page: Page): Promise<number> {
	const height = await page.evaluate(() => document.documentElement.scrollHeight);
	for (let y = 0; y < height; y += 500) {
		await page.evaluate((top) => window.scrollTo(0, top), y);
		await page.waitForTimeout(30);
	}
	return page.evaluate(
		() =>
			[...document.querySelectorAll('canvas')].filter((c) => {
				const ctx = c.getContext('2d');
				if (!ctx || c.width === 0) return false;
				// Drawn means some pixel is not plain white.
				const px = ctx.getImageData(0, 0, c.width, c.height).data;
				for (let i = 0; i < px.length; i += 4) if (px[i] < 200 || px[i + 1] < 200) return true;
				return false;
			}).length
	);
}

describe('the trends dashboard', () => {
	it('drills down from the region to the point and finds the seeded rebound', async () => {
		const page = await newPage(browser, baseURL);
		await signIn(page, 'analyst', 'demo-analyst-2026');
		await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '趋势' }).click();
		await page.waitForURL(/\/trends\/64$/);
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('宁夏回族自治区');
		await expect.poll(() => page.locator('.main-chart canvas').count()).toBe(1);
		await shot(page, 'trends-region-375');

		for (const code of chain) {
			await childLink(page, `/trends/${code}`).click();
			await page.waitForURL(new RegExp(`/trends/${code}(\\?|$)`));
		}
		await childLink(page, '/trends/points/').filter({ hasText: target.name }).click();
		await page.waitForURL(/\/trends\/points\/\d+/);
		pointPath = new URL(page.url()).pathname;
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(target.name);
		// The breadcrumbs lead back up the same way.
		const crumbs = page.getByRole('navigation', { name: '所在位置' });
		await expect(crumbs.getByRole('link').allTextContents()).resolves.toHaveLength(4);

		const rebounds = page.locator('section', { has: page.locator('#trend-rebounds-h') });
		const row = rebounds.locator('li', { hasText: '重新挂出的标牌' });
		// The flag explains itself: a cancelled plate back is a rebound at once.
		await expect(row.textContent()).resolves.toContain('取消事项再次出现：本期 1 块，减负后最少为 0 块');
		const evidence = row.getByRole('link', { name: '查看台账' });
		const href = await evidence.getAttribute('href');
		expect(href).toMatch(/\/points\/\d+\/registers/);
		expect((await page.request.get(href!)).status()).toBe(200);
		await shot(page, 'trends-point-375');

		await evidence.click();
		await page.waitForURL(/\/registers/);
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(target.name);
		await page.context().close();
	});

	it('draws the main chart and all fifteen small ones, and downloads one as PNG', async () => {
		const page = await newPage(browser, baseURL, { viewport: DESKTOP });
		await signIn(page, 'analyst', 'demo-analyst-2026');
		await page.goto('/trends/640104');
		await expect.poll(() => drawnCanvases(page), { timeout: 10_000 }).toBe(16);
		await page.evaluate(() => window.scrollTo(0, 0));
		await shot(page, 'trends-county-1280');

		const card = page.locator('article', {
			has: page.getByRole('heading', { name: '外挂标牌', exact: true })
		});
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			card.getByRole('button', { name: '下载 PNG' }).click()
		]);
		expect(download.suggestedFilename()).toBe('兴庆区-外挂标牌-趋势图.png');

		// Choosing indicators re-draws the main chart and keeps the choice in the address.
		await page.getByText(/主图指标/).click();
		await page.getByRole('checkbox', { name: '清单达标率' }).check();
		await page.waitForURL(/i=/);
		await expect.poll(() => page.locator('.main-chart .legend li').count()).toBe(4);
		await expectAccessible(page);
		await page.goto(pointPath);
		await shot(page, 'trends-point-1280');
		await page.context().close();
	});

	it('explains the rule with a worked example, and points an analyst at it from a flagged point', async () => {
		const page = await newPage(browser, baseURL);
		await signIn(page, 'analyst', 'demo-analyst-2026');
		await page.goto(pointPath);
		await page
			.getByRole('link', { name: /判定规则/ })
			.first()
			.click();
		await page.waitForURL(/\/trends\/rule$/);
		const text = (await page.locator('main').textContent()) ?? '';
		expect(text).toContain('需关注');
		expect(text).toContain('反弹');
		// The worked example is judged by the rule itself and drawn as a small chart.
		await expect(page.locator('main svg').count()).resolves.toBeGreaterThan(0);
		const example = page.locator('table', { hasText: '标准' }).or(page.locator('table').first());
		await expect(example.first().locator('tr').count()).resolves.toBeGreaterThan(3);
		await shot(page, 'trends-rule-375');
		await page.context().close();
	});

	it('shows the summaries and the tables without JavaScript', async () => {
		const page = await newPage(browser, baseURL, { javaScriptEnabled: false });
		await signIn(page, 'analyst', 'demo-analyst-2026');
		await page.goto(pointPath);
		expect(await page.locator('canvas').count()).toBe(0);
		await expect(
			page.locator('section', { has: page.locator('#trend-rebounds-h') }).textContent()
		).resolves.toContain('重新挂出的标牌');
		// Every chart's numbers sit in a <details> table that opens without script.
		expect(await page.locator('details table').count()).toBe(16);
		await page.locator('details summary', { hasText: '表格' }).first().click();
		await expect(page.locator('details[open] table').first().isVisible()).resolves.toBe(true);

		// The GET form works as a plain form.
		await page.goto('/trends/640104');
		await page.getByText(/主图指标/).click();
		await page.getByRole('checkbox', { name: '参加的会议' }).uncheck();
		await page.getByRole('checkbox', { name: '清单达标率' }).check();
		await page.getByRole('button', { name: '更新' }).click();
		await page.waitForURL(/compliance_rate/);
		await expect(page.locator('.main-chart .legend').textContent()).resolves.toContain('清单达标率');
		await shot(page, 'trends-county-nojs-375');
		await page.context().close();
	});
});
