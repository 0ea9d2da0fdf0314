// The built server as the benchmarks start it: on a free port, over a given database file.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { lucia } from '../lib/server/auth/session';
import { SERVE_ARGS } from './shared';

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address() as net.AddressInfo;
			probe.close(() => resolve(port));
		});
	});
}

/** Peak resident memory of a child, from Linux's /proc; null elsewhere. */
export function peakRssMb(pid: number | undefined): number | null {
	try {
		const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = /VmHWM:\s+(\d+)/.exec(status)?.[1];
		return kb ? Number(kb) / 1024 : null;
	} catch {
		return null;
	}
}

export async function startServer(
	file: string
): Promise<{ url: string; child: ChildProcess; output: string[] }> {
	if (!fs.existsSync('build/index.js'))
		throw new Error('build/index.js is missing: run `npx vite build` first');
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const output: string[] = [];
	const child = spawn(process.execPath, SERVE_ARGS, {
		stdio: ['ignore', 'pipe', 'pipe'],
		env: {
			...process.env,
			NODE_ENV: 'production',
			PORT: String(port),
			HOST: '127.0.0.1',
			// adapter-node assumes https without ORIGIN, and the sign-in post would fail its CSRF check.
			ORIGIN: url,
			DATABASE_PATH: file,
			COOKIE_SECURE: 'false'
		}
	});
	// Kept for the report when something goes wrong; the server's own log is not the benchmark's.
	const keep = (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean));
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	for (let i = 0; i < 200; i++) {
		if (child.exitCode !== null) break;
		try {
			await fetch(`${url}/login`);
			return { url, child, output };
		} catch {
			await new Promise((r) => setTimeout(r, 100));
		}
	}
	child.kill();
	throw new Error(`the built server did not start:\n${output.slice(-20).join('\n')}`);
}

/** Signs in as a browser's plain form post would; returns the cookies to send back. */
export async function signInCookie(
	url: string,
	account: { username: string; password: string }
): Promise<string> {
	const res = await fetch(`${url}/login`, {
		method: 'POST',
		redirect: 'manual',
		// As a browser's plain form post: asked for HTML, SvelteKit answers the action with a 303.
		headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: url },
		body: new URLSearchParams(account).toString()
	});
	// Sent back as a browser would: every cookie set, the session among them.
	const cookies = res.headers
		.getSetCookie()
		.map((c) => c.split(';')[0])
		.filter((c) => !c.endsWith('='));
	if (res.status !== 303 || !cookies.some((c) => c.startsWith(`${lucia.sessionCookieName}=`)))
		throw new Error(`sign-in failed: HTTP ${res.status}`);
	return cookies.join('; ');
}
