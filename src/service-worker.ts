/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
// Keeps the app shell of this build and the checklist pages a staff member opened, so a phone that
// loaded a checklist once can open it again without network, fill it and queue it; and sends the
// outbox in the background where the browser offers a sync. Each build has its own caches: a page
// is only ever served with the scripts of the build that rendered it.
import { build, files, version } from '$service-worker';
import { flushOutbox, SYNC_TAG } from '$lib/offline/outbox';

const sw = self as unknown as ServiceWorkerGlobalScope;

const SHELL = `shell-${version}`;
const PAGES = `pages-${version}`;
const shell = new Set([...build, ...files]);

/** A checklist page (or its "same as last round" screen) or its data, the only pages kept for offline use. */
const CHECKLIST = /^\/points\/\d+\/rounds\/\d+(\/same)?\/?(__data\.json)?$/;
/** A weak network gets this long before the kept copy is shown. */
const NETWORK_WAIT_MS = 4_000;
/** A page fetched in the background (to keep it) is given up after this long. */
const BACKGROUND_FETCH_MS = 15_000;

/** Fetches a page to keep, or null: never waits forever, so activation always completes. */
const fetchToKeep = (url: string) =>
	fetch(url, { credentials: 'same-origin', signal: AbortSignal.timeout(BACKGROUND_FETCH_MS) }).catch(
		() => null
	);

sw.addEventListener('install', (event) => {
	event.waitUntil(caches.open(SHELL).then((c) => c.addAll([...shell])));
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			// Control the open pages first: what follows fetches over a network that may be slow.
			await sw.clients.claim();
			const names = await caches.keys();
			// The pages a staff member kept are fetched again with this build, then the old caches go.
			const pages = await caches.open(PAGES);
			for (const name of names.filter((n) => n.startsWith('pages-') && n !== PAGES)) {
				const old = await caches.open(name);
				for (const request of await old.keys()) {
					const fresh = await fetchToKeep(request.url);
					if (fresh?.ok && !fresh.redirected) await pages.put(request.url, fresh);
				}
			}
			for (const name of names) if (name !== SHELL && name !== PAGES) await caches.delete(name);
			// The checklist open while this worker installed was fetched before it: keep it too.
			for (const client of await sw.clients.matchAll({ type: 'window', includeUncontrolled: true })) {
				const url = new URL(client.url);
				if (!CHECKLIST.test(url.pathname) || (await pages.match(url.origin + url.pathname))) continue;
				const fresh = await fetchToKeep(url.origin + url.pathname + url.search);
				if (fresh?.ok && !fresh.redirected) await pages.put(url.origin + url.pathname, fresh);
			}
		})()
	);
});

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
	return new Promise((resolve, reject) => {
		const t = setTimeout(() => reject(new Error('timeout')), ms);
		p.then(
			(v) => (clearTimeout(t), resolve(v)),
			(e) => (clearTimeout(t), reject(e))
		);
	});
}

async function checklistPage(request: Request, url: URL): Promise<Response> {
	const pages = await caches.open(PAGES);
	// One kept copy per checklist whatever its ?section: the page shows the section from the URL.
	const key = url.origin + url.pathname;
	const network = fetch(request);
	try {
		const response = await withTimeout(network, NETWORK_WAIT_MS);
		if (response.ok && !response.redirected && response.type === 'basic')
			await pages.put(key, response.clone());
		if (response.redirected || response.status === 404) await pages.delete(key);
		return response;
	} catch {
		const kept = await pages.match(key);
		if (kept) {
			// Keep the copy fresh for next time if the slow network does answer.
			network.then((r) => (r.ok && !r.redirected ? pages.put(key, r) : undefined)).catch(() => {});
			return kept;
		}
		return network;
	}
}

sw.addEventListener('fetch', (event) => {
	const request = event.request;
	if (request.method !== 'GET') return;
	const url = new URL(request.url);
	if (url.origin !== sw.location.origin) return;
	if (shell.has(url.pathname)) {
		event.respondWith(caches.match(url.pathname).then((hit) => hit ?? fetch(request)));
		return;
	}
	if (CHECKLIST.test(url.pathname)) event.respondWith(checklistPage(request, url));
});

sw.addEventListener('sync', (event) => {
	const sync = event as ExtendableEvent & { tag: string };
	if (sync.tag === SYNC_TAG)
		sync.waitUntil(
			flushOutbox({ now: true }).then((due) => {
				// Still something to send: have the browser try again later.
				if (due !== null) throw new Error('outbox not empty');
			})
		);
});

/** Fetches a checklist page and its data into the kept pages, unless it sends the phone elsewhere. */
async function keep(path: string) {
	const pages = await caches.open(PAGES);
	for (const url of [sw.location.origin + path, `${sw.location.origin + path}/__data.json`]) {
		const fresh = await fetchToKeep(url);
		if (!fresh?.ok || fresh.redirected) continue;
		// A load's redirect comes as data, not as an HTTP redirect.
		if (url.endsWith('__data.json') && (await fresh.clone().text()).startsWith('{"type":"redirect"'))
			continue;
		await pages.put(url, fresh);
	}
}

sw.addEventListener('message', (event) => {
	// Signing out: the kept pages belong to the one who signed out.
	if (event.data === 'forget-pages') event.waitUntil(caches.delete(PAGES));
	// A page the open checklist leads to (its "same as last round" screen), kept for offline use.
	const path = (event.data as { keep?: unknown } | null)?.keep;
	if (typeof path === 'string' && CHECKLIST.test(path)) event.waitUntil(keep(path));
});
