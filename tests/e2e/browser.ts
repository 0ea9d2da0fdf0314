import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';

export const PHONE = { width: 375, height: 740 };
export const DESKTOP = { width: 1280, height: 860 };

/** Debian's chromium; Playwright's own browser download is not used. */
export function chromiumPath(): string {
	const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
		Boolean
	) as string[];
	const found = candidates.find((p) => fs.existsSync(p));
	if (!found)
		throw new Error(
			"No Chromium found: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH."
		);
	return found;
}

export function launch(): Promise<Browser> {
	return chromium.launch({
		executablePath: chromiumPath(),
		headless: true,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--no-first-run'
		]
	});
}

export async function newPage(
	browser: Browser,
	baseURL: string,
	options: BrowserContextOptions = {}
): Promise<Page> {
	const context = await browser.newContext({ baseURL, viewport: PHONE, locale: 'zh-CN', ...options });
	return context.newPage();
}

export async function signIn(page: Page, username: string, password: string): Promise<void> {
	await page.goto('/login');
	await page.getByLabel('用户名').fill(username);
	await page.getByLabel('密码').fill(password);
	await Promise.all([
		page.waitForURL((url) => !url.pathname.startsWith('/login')),
		page.getByRole('button', { name: '登录' }).click()
	]);
}

const shots = path.resolve('tests/e2e/screenshots');
export async function screenshot(page: Page, name: string): Promise<void> {
	fs.mkdirSync(shots, { recursive: true });
	await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

/**
 * Answers every empty question of the form on screen as an unchanged point would: last round's
 * number where the question shows one (so nothing is out of line), else 0; the first choice of a
 * choice left open. Questions that appear on an answer get theirs on the next pass.
 */
export async function answerBlanks(page: Page, scope = 'main form.checklist'): Promise<void> {
	for (let pass = 0; pass < 2; pass++) {
		for (const q of await page.locator(`${scope} .question`).all()) {
			const input = q.locator('input[type=text][name^="a."], textarea[name^="a."]');
			if ((await input.count()) > 0) {
				if (await input.first().inputValue()) continue;
				const previous = q.locator('.previous');
				const last = (await previous.count()) > 0 ? ((await previous.textContent()) ?? '') : '';
				await input.first().fill(/(\d+)/.exec(last)?.[1] ?? '0');
				continue;
			}
			const choices = q.locator('input[type=radio], input[type=checkbox]');
			if ((await choices.count()) > 0 && (await q.locator('input:checked').count()) === 0)
				await choices.first().check();
		}
	}
}
