// `npm run bench:pages [-- --json FILE]`: what a phone on a weak village network pays for the
// pages field staff and analysts open. Seeds a throw-away demo database, starts the built server
// and loads each page in headless Chromium throttled through the DevTools protocol (400 ms
// latency, 400 kbit/s down, 200 kbit/s up): requests, JavaScript (gzip size), bytes transferred,
// the largest response head, and the time until the page is usable, cold (a fresh browser
// context: empty cache, no service worker) and warm (the same page opened again in that context).
// `npm run bench` runs it too. A missed target is reported, not an error.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type CDPSession } from 'playwright-core';
import { folderMigrations, migrateToLatest } from '../lib/server/db/migrator';
import { openSqlite } from '../lib/server/db/sqlite';
import { seedDemo } from '../lib/server/demo/seed';
import { signInCookie, startServer } from './bench-server';
import { argValue } from './shared';

/** The weak network of issue 13, as DevTools' emulateNetworkConditions takes it (bytes per second). */
export const WEAK_NETWORK = {
	offline: false,
	latency: 400,
	downloadThroughput: (400 * 1000) / 8,
	uploadThroughput: (200 * 1000) / 8
};

export const USABLE_MEANS =
	"usable = SvelteKit has hydrated the page and started its router (its first window 'popstate' listener, " +
	'added right after hydration; the form then submits through use:enhance), timed from navigation start';

// Marks the moment SvelteKit's client starts its router: `start()` awaits hydration, then adds
// its window listeners, popstate among them. Nothing else in the app listens for popstate.
const MARK_ROUTER = `(() => {
	const add = window.addEventListener;
	window.addEventListener = function (type, ...rest) {
		if (type === 'popstate' && window.__benchUsableAt === undefined) window.__benchUsableAt = performance.now();
		return add.call(this, type, ...rest);
	};
})();`;

export interface PageTarget {
	jsGzipKb?: number;
	requests?: number;
	coldMs?: number;
	warmMs?: number;
}

export interface PageSpec {
	/** The figure names' stem: `pages.checklist` gives `pages.checklist.requests` and the rest. */
	key: string;
	label: string;
	path: string;
	/** Cookies of the signed-in user, as `a=b; c=d`; none for the sign-in page. */
	cookie?: string;
	target: PageTarget;
}

interface Load {
	requests: number;
	/** Requests answered by the network, not the HTTP cache or a service worker. */
	fromNetwork: number;
	jsFiles: number;
	transferredBytes: number;
	usableMs: number;
	loadMs: number;
	headerBytesMax: number;
	jsUrls: string[];
}

export interface PageResult {
	spec: PageSpec;
	cold: Load;
	warm: Load;
	/** The page's JavaScript, each file gzipped (level 6, as a server would) and summed. */
	jsGzipBytes: number;
	/** The same files as the server actually sent them (brotli where the browser asks for it). */
	jsTransferredBytes: number;
}

function launch(): Promise<Browser> {
	return chromium.launch({
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		headless: true,
		args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update']
	});
}

/** The cookies of `a=b; c=d` for a browser context on `url`. */
function contextCookies(url: string, cookie: string | undefined) {
	if (!cookie) return [];
	return cookie.split('; ').map((pair) => {
		const i = pair.indexOf('=');
		return { name: pair.slice(0, i), value: pair.slice(i + 1), url };
	});
}

/** One navigation, watched through DevTools: every request the page makes until it is usable and quiet. */
async function loadOnce(
	context: BrowserContext,
	url: string,
	jsTransferred: Map<string, number>
): Promise<Load> {
	const page = context.pages()[0] ?? (await context.newPage());
	const cdp: CDPSession = await context.newCDPSession(page);
	await cdp.send('Network.enable');
	await cdp.send('Network.emulateNetworkConditions', WEAK_NETWORK);
	const requests = new Map<string, { url: string; type?: string; cached: boolean }>();
	let transferred = 0;
	let headerMax = 0;
	cdp.on('Network.requestWillBeSent', (e) => {
		if (!e.request.url.startsWith('data:')) requests.set(e.requestId, { url: e.request.url, cached: false });
	});
	cdp.on('Network.requestServedFromCache', (e) => {
		const r = requests.get(e.requestId);
		if (r) r.cached = true;
	});
	cdp.on('Network.responseReceived', (e) => {
		const r = requests.get(e.requestId);
		if (!r) return;
		r.type = e.type;
		if (e.response.fromDiskCache || e.response.fromServiceWorker || e.response.fromPrefetchCache)
			r.cached = true;
	});
	cdp.on('Network.responseReceivedExtraInfo', (e) => {
		// The response head as it came over the wire: status line and every header.
		const size =
			e.headersText?.length ??
			Object.entries(e.headers).reduce((n, [k, v]) => n + k.length + String(v).length + 4, 0);
		headerMax = Math.max(headerMax, size);
	});
	cdp.on('Network.loadingFinished', (e) => {
		transferred += e.encodedDataLength;
		const r = requests.get(e.requestId);
		if (r && !r.cached && /\.m?js(\?|$)/.test(r.url)) jsTransferred.set(r.url, e.encodedDataLength);
	});

	await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
	const usableMs = await page.waitForFunction(
		() => (window as { __benchUsableAt?: number }).__benchUsableAt,
		null,
		{
			timeout: 120_000,
			polling: 50
		}
	);
	const usable = (await usableMs.jsonValue()) as number;
	// Anything the page fetches after it became usable (a service worker's install, a chart's
	// data) still crosses the same network; give it a moment to show up in the counts.
	await page.waitForLoadState('networkidle', { timeout: 30_000 }).catch(() => undefined);
	const loadMs = await page.evaluate(() => {
		const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
		return nav ? nav.loadEventEnd : NaN;
	});
	await cdp.detach();
	const all = [...requests.values()];
	const js = all.filter((r) => r.type === 'Script' || /\.m?js(\?|$)/.test(r.url));
	return {
		requests: all.length,
		fromNetwork: all.filter((r) => !r.cached).length,
		jsFiles: js.length,
		transferredBytes: transferred,
		usableMs: usable,
		loadMs,
		headerBytesMax: headerMax,
		jsUrls: js.map((r) => r.url)
	};
}

/** gzip size of each JS file, fetched uncompressed from the server (`--files` lists them). */
async function gzipSizes(urls: string[]): Promise<number> {
	let total = 0;
	for (const url of new Set(urls)) {
		const res = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
		const size = zlib.gzipSync(Buffer.from(await res.arrayBuffer()), { level: 6 }).byteLength;
		if (process.argv.includes('--files'))
			console.log(`    ${String(size).padStart(7)}  ${new URL(url).pathname}`);
		total += size;
	}
	return total;
}

/** Loads each page cold then warm in its own context, throttled; returns the figures. */
export async function measurePages(baseUrl: string, specs: PageSpec[]): Promise<PageResult[]> {
	const browser = await launch();
	const results: PageResult[] = [];
	try {
		for (const spec of specs) {
			const context = await browser.newContext({
				viewport: { width: 375, height: 740 },
				locale: 'zh-CN',
				serviceWorkers: 'allow'
			});
			await context.addInitScript(MARK_ROUTER);
			await context.addCookies(contextCookies(baseUrl, spec.cookie));
			const jsTransferred = new Map<string, number>();
			const cold = await loadOnce(context, baseUrl + spec.path, jsTransferred);
			const warm = await loadOnce(context, baseUrl + spec.path, new Map());
			await context.close();
			results.push({
				spec,
				cold,
				warm,
				jsGzipBytes: await gzipSizes(cold.jsUrls),
				jsTransferredBytes: [...jsTransferred.values()].reduce((a, b) => a + b, 0)
			});
		}
	} finally {
		await browser.close();
	}
	return results;
}

export interface PageFigure {
	name: string;
	value: number;
	unit: string;
}

/** The figures of each page, named `<key>.<figure>`, for the benchmark's JSON. */
export function pageFigures(results: PageResult[]): PageFigure[] {
	const out: PageFigure[] = [];
	const add = (name: string, value: number, unit: string) =>
		out.push({ name, value: Math.round(value * 1000) / 1000, unit });
	for (const r of results) {
		const k = r.spec.key;
		add(`${k}.requests`, r.cold.requests, 'count');
		add(`${k}.js_files`, r.cold.jsFiles, 'count');
		add(`${k}.js_gzip`, r.jsGzipBytes, 'bytes');
		add(`${k}.js_transferred`, r.jsTransferredBytes, 'bytes');
		add(`${k}.transferred.cold`, r.cold.transferredBytes, 'bytes');
		add(`${k}.usable.cold`, r.cold.usableMs, 'ms');
		add(`${k}.load.cold`, r.cold.loadMs, 'ms');
		add(`${k}.requests.warm`, r.warm.requests, 'count');
		add(`${k}.requests.warm_from_network`, r.warm.fromNetwork, 'count');
		add(`${k}.transferred.warm`, r.warm.transferredBytes, 'bytes');
		add(`${k}.usable.warm`, r.warm.usableMs, 'ms');
		add(`${k}.header_bytes_max`, Math.max(r.cold.headerBytesMax, r.warm.headerBytesMax), 'bytes');
	}
	return out;
}

export const HEADER_TARGET_BYTES = 2048;

interface Check {
	what: string;
	value: number;
	limit: number;
	unit: string;
}

function checks(r: PageResult): Check[] {
	const t = r.spec.target;
	const list: Check[] = [];
	if (t.jsGzipKb !== undefined)
		list.push({ what: 'JS gzipped', value: r.jsGzipBytes / 1024, limit: t.jsGzipKb, unit: 'KB' });
	if (t.requests !== undefined)
		list.push({ what: 'requests', value: r.cold.requests, limit: t.requests, unit: '' });
	if (t.coldMs !== undefined)
		list.push({ what: 'usable cold', value: r.cold.usableMs / 1000, limit: t.coldMs / 1000, unit: 's' });
	if (t.warmMs !== undefined)
		list.push({ what: 'usable warm', value: r.warm.usableMs / 1000, limit: t.warmMs / 1000, unit: 's' });
	const headers = Math.max(r.cold.headerBytesMax, r.warm.headerBytesMax);
	list.push({ what: 'largest response head', value: headers, limit: HEADER_TARGET_BYTES, unit: 'B' });
	return list;
}

/** Prints the table; returns the targets missed, as `page: what`. */
export function printPages(results: PageResult[]): string[] {
	const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
	const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
	console.log(
		`\npages at ${WEAK_NETWORK.latency} ms latency, 400 kbit/s down, 200 kbit/s up (Chromium, DevTools throttling)`
	);
	console.log(USABLE_MEANS);
	const head = [
		'',
		'requests',
		'JS files',
		'JS gzip',
		'transferred',
		'usable cold',
		'warm',
		'warm req (net)',
		'head max'
	];
	const rows = results.map((r) => [
		`${r.spec.label} ${r.spec.path}`,
		String(r.cold.requests),
		String(r.cold.jsFiles),
		kb(r.jsGzipBytes),
		kb(r.cold.transferredBytes),
		s(r.cold.usableMs),
		s(r.warm.usableMs),
		`${r.warm.requests} (${r.warm.fromNetwork})`,
		`${Math.max(r.cold.headerBytesMax, r.warm.headerBytesMax)} B`
	]);
	const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
	const line = (cells: string[]) =>
		cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
	console.log(line(head));
	for (const row of rows) console.log(line(row));
	const missed: string[] = [];
	for (const r of results) {
		const verdicts = checks(r).map((c) => {
			const ok = c.value <= c.limit;
			if (!ok) missed.push(`${r.spec.label}: ${c.what}`);
			const v = c.unit === 'B' ? c.value.toFixed(0) : c.value.toFixed(c.unit === '' ? 0 : 2);
			return `${c.what} ${v}${c.unit && ` ${c.unit}`} ≤ ${c.limit}${c.unit && ` ${c.unit}`} ${ok ? 'PASS' : 'FAIL'}`;
		});
		console.log(`  ${r.spec.label}: ${verdicts.join('; ')}`);
	}
	return missed;
}

/** The first open checklist link on the staff member's start page. */
async function staffChecklistPath(url: string, cookie: string): Promise<string> {
	const html = await (await fetch(`${url}/`, { headers: { cookie, accept: 'text/html' } })).text();
	const link = /href="(\/points\/\d+\/rounds\/\d+)"/.exec(html)?.[1];
	if (!link) throw new Error("the staff member's start page links no checklist");
	return link;
}

const FIELD_TARGET: PageTarget = { jsGzipKb: 60, requests: 15, coldMs: 3000, warmMs: 1000 };

/** The pages of issue 13 against a built server on a demo database (its staff, analyst accounts). */
export async function demoPages(url: string): Promise<PageSpec[]> {
	const staff = await signInCookie(url, { username: 'staff', password: 'demo-staff-2026' });
	const analyst = await signInCookie(url, { username: 'analyst', password: 'demo-analyst-2026' });
	return [
		{ key: 'pages.login', label: 'sign-in', path: '/login', target: FIELD_TARGET },
		{
			key: 'pages.checklist',
			label: 'staff checklist',
			path: await staffChecklistPath(url, staff),
			cookie: staff,
			target: FIELD_TARGET
		},
		{
			key: 'pages.dashboard',
			label: 'analyst dashboard',
			path: '/trends/64',
			cookie: analyst,
			target: { jsGzipKb: 150, coldMs: 5000 }
		}
	];
}

/** Seeds a demo database in a temp folder, starts the built server on it, measures the pages. */
export async function runPageBench(): Promise<PageResult[]> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jfgc-pages-'));
	const file = path.join(dir, 'pages.db');
	let server: Awaited<ReturnType<typeof startServer>> | undefined;
	try {
		const { db } = openSqlite(file);
		await migrateToLatest(db, folderMigrations());
		await seedDemo(db);
		await db.destroy();
		server = await startServer(file);
		return await measurePages(server.url, await demoPages(server.url));
	} catch (e) {
		if (server) console.error(server.output.slice(-20).join('\n'));
		throw e;
	} finally {
		server?.child.kill();
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

async function main(): Promise<void> {
	const results = await runPageBench();
	const missed = printPages(results);
	console.log(missed.length ? `MISSED: ${missed.join(', ')}` : 'every page target met');
	const jsonFile = argValue('json');
	if (jsonFile) {
		const target = path.resolve(process.env.INIT_CWD ?? process.cwd(), jsonFile);
		fs.writeFileSync(target, `${JSON.stringify(pageFigures(results), null, '\t')}\n`);
		console.log(`figures written to ${target}`);
	}
}

// Run directly (npm run bench:pages), not when bench.ts imports it.
if (import.meta.url === `file://${process.argv[1]}`)
	main().catch((e: unknown) => {
		console.error(e instanceof Error ? (e.stack ?? e.message) : e);
		process.exit(1);
	});
