// `npm run demo`: a fresh demo database, then the built server, then the URL and the accounts.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import SQLite from 'better-sqlite3';
import { config } from '../lib/server/config';
import { DEMO_MARKER, seedDemo } from '../lib/server/demo/seed';
import { fail, openMigrated, SERVE_ARGS } from './shared';

const file = config.databasePath;

// Only a database this script made may be thrown away.
if (fs.existsSync(file)) {
	let isDemo: boolean;
	try {
		const raw = new SQLite(file, { readonly: true });
		isDemo = !!raw.prepare('select 1 from app_settings where key = ?').get(DEMO_MARKER);
		raw.close();
	} catch {
		isDemo = fs.statSync(file).size === 0;
	}
	if (!isDemo) fail(`${file} holds a database that is not a demo; set DATABASE_PATH to another file.`);
	for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
}

const { db } = await openMigrated(file);
const accounts = await seedDemo(db);
await db.destroy();

const port = process.env.PORT || '3000';
const url = `http://localhost:${port}`;
const server = spawn(process.execPath, SERVE_ARGS, {
	stdio: 'inherit',
	env: {
		...process.env,
		NODE_ENV: 'production',
		PORT: port,
		// adapter-node assumes https without ORIGIN, and form posts would fail its CSRF check.
		ORIGIN: process.env.ORIGIN || url,
		DATABASE_PATH: file,
		BODY_SIZE_LIMIT: process.env.BODY_SIZE_LIMIT || '64M',
		// The demo is served over plain http, where browsers drop Secure cookies on any host but localhost.
		COOKIE_SECURE: process.env.COOKIE_SECURE || 'false'
	}
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));

for (let i = 0; i < 100; i++) {
	try {
		await fetch(`${url}/login`);
		break;
	} catch {
		await new Promise((r) => setTimeout(r, 100));
	}
}
console.log(`\n减负观测 demo is running at ${url}  (database: ${file})\n`);
console.log('Demo accounts:');
for (const a of accounts)
	console.log(
		`  ${a.role.padEnd(9)} ${a.username.padEnd(9)} ${a.password.padEnd(20)} ${a.name}${a.scope ? ` (${a.scope})` : ''}`
	);
console.log('\nPress Ctrl+C to stop.');
