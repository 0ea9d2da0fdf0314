// The built server as a client sees it: every response carries the security headers (static
// files and SvelteKit's own CSRF refusal too), signed-in pages are not cached, and oversized
// requests are answered with a status and words instead of a reset.
import { describe, expect, inject, it } from 'vitest';

const baseURL = inject('baseURL');

const SECURITY = {
	'x-content-type-options': 'nosniff',
	'x-frame-options': 'DENY',
	'referrer-policy': 'same-origin',
	'cross-origin-opener-policy': 'same-origin'
};

function expectSecured(res: Response) {
	for (const [k, v] of Object.entries(SECURITY)) expect(res.headers.get(k), k).toBe(v);
	expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
	expect(res.headers.get('permissions-policy')).toMatch(/camera=\(\)/);
}

async function signInCookie(username: string, password: string): Promise<string> {
	const res = await fetch(`${baseURL}/login`, {
		method: 'POST',
		redirect: 'manual',
		headers: { origin: baseURL, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ username, password })
	});
	expect(res.status).toBe(303);
	return res.headers
		.getSetCookie()
		.map((c) => c.split(';')[0])
		.join('; ');
}

describe('the built server', () => {
	it('puts the security headers on static files', async () => {
		const icon = await fetch(`${baseURL}/favicon.svg`);
		expect(icon.status).toBe(200);
		expectSecured(icon);
		const page = await (await fetch(`${baseURL}/login`)).text();
		const script = page.match(/\/_app\/immutable\/[^"']+\.js/)?.[0];
		expect(script).toBeTruthy();
		const js = await fetch(`${baseURL}${script}`);
		expect(js.status).toBe(200);
		expectSecured(js);
	});

	it("puts them on SvelteKit's own CSRF refusal", async () => {
		const res = await fetch(`${baseURL}/login`, {
			method: 'POST',
			headers: { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
			body: 'username=a&password=b'
		});
		expect(res.status).toBe(403);
		expectSecured(res);
	});

	it('keeps signed-in pages out of every cache, and pages keep their own CSP', async () => {
		const cookie = await signInCookie('analyst', 'demo-analyst-2026');
		const res = await fetch(`${baseURL}/trends/64`, { headers: { cookie }, redirect: 'manual' });
		expect(res.status).toBe(200);
		expect(res.headers.get('cache-control')).toBe('private, no-store');
		expectSecured(res);
		expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self' 'nonce-/);
	});

	it('sends pages, JSON and scripts compressed to a browser that accepts it, each head under 2 KB', async () => {
		const analyst = await signInCookie('analyst', 'demo-analyst-2026');
		const staff = await signInCookie('staff', 'demo-staff-2026');
		const start = await (await fetch(`${baseURL}/`, { headers: { cookie: staff } })).text();
		const checklist = start.match(/href="(\/points\/\d+\/rounds\/\d+)"/)?.[1];
		expect(checklist).toBeTruthy();
		const login = await (await fetch(`${baseURL}/login`)).text();
		const script = login.match(/\/_app\/immutable\/[^"']+\.js/)?.[0];
		const asked: [string, string | undefined][] = [
			['/login', undefined],
			[checklist!, staff],
			['/trends/64', analyst],
			['/api/trends/64', analyst],
			[script!, undefined]
		];
		for (const [path, cookie] of asked) {
			const res = await fetch(`${baseURL}${path}`, {
				headers: { 'accept-encoding': 'gzip, deflate, br', ...(cookie ? { cookie } : {}) },
				redirect: 'manual'
			});
			expect(res.status, path).toBe(200);
			expect(res.headers.get('content-encoding'), path).toMatch(/^(br|gzip)$/);
			expect(res.headers.get('vary'), path).toMatch(/Accept-Encoding/i);
			// The head as it goes over the wire, give or take the status line.
			const head = [...res.headers].reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
			expect(head, path).toBeLessThanOrEqual(2048);
		}
	});

	it('answers a body over the limit with 413 in words', async () => {
		const res = await fetch(`${baseURL}/login`, {
			method: 'POST',
			headers: { origin: baseURL, 'content-type': 'application/x-www-form-urlencoded' },
			body: `username=${'a'.repeat(9 * 1024 * 1024)}`
		});
		expect(res.status).toBe(413);
		expect(await res.text()).toMatch(/过大/);
	});

	it('answers a long query string with 414, and an oversized one with 431, in words', async () => {
		const long = await fetch(`${baseURL}/login?q=${'a'.repeat(10_000)}`);
		expect(long.status).toBe(414);
		expect(await long.text()).toMatch(/网址过长/);
		const huge = await fetch(`${baseURL}/login?q=${'a'.repeat(90_000)}`);
		expect(huge.status).toBe(431);
		expect(await huge.text()).toMatch(/过长/);
	});
});
