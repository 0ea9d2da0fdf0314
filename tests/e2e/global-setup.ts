import { SERVE_ARGS } from '../../src/cli/shared';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { bundledMigrations, migrateToLatest } from '../../src/lib/server/db/migrator';
import { openSqlite } from '../../src/lib/server/db/sqlite';
import { seedDemo } from '../../src/lib/server/demo/seed';
import { chromiumPath } from './browser';

declare module 'vitest' {
	export interface ProvidedContext {
		baseURL: string;
		databasePath: string;
	}
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as net.AddressInfo;
			srv.close(() => resolve(port));
		});
		srv.on('error', reject);
	});
}

let server: ChildProcess | undefined;
let dir: string | undefined;

/** The built server (adapter-node) on a fresh demo database, as `npm run demo` would run it. */
export async function setup(project: TestProject) {
	if (!fs.existsSync('build/index.js'))
		throw new Error('No build: run `npm run build` first (npm run test:e2e does).');
	chromiumPath(); // fail early, with the install hint, when there is no browser

	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jfgc-e2e-'));
	const databasePath = path.join(dir, 'e2e.db');
	const { db } = openSqlite(databasePath);
	await migrateToLatest(db, bundledMigrations);
	await seedDemo(db);
	await db.destroy();

	const port = await freePort();
	const baseURL = `http://localhost:${port}`;
	server = spawn(process.execPath, SERVE_ARGS, {
		env: {
			...process.env,
			NODE_ENV: 'production',
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: baseURL,
			DATABASE_PATH: databasePath,
			// Uploaded photos stay in the temp folder; the body limit leaves room for a 5 MB photo.
			PHOTO_DIR: path.join(dir, 'photos'),
			REPORT_DIR: path.join(dir, 'reports'),
			BODY_SIZE_LIMIT: '8M'
		},
		stdio: ['ignore', 'inherit', 'inherit']
	});
	for (let i = 0; ; i++) {
		try {
			if ((await fetch(`${baseURL}/login`)).ok) break;
		} catch {
			/* not listening yet */
		}
		if (i > 150) throw new Error('the built server did not start');
		await new Promise((r) => setTimeout(r, 100));
	}
	project.provide('baseURL', baseURL);
	project.provide('databasePath', databasePath);
}

export async function teardown() {
	server?.kill();
	if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
