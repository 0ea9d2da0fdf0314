// The largest catalogue import the guarded reader allows (10,000 rows at the 5 MB upload cap, each
// with a long basis), posted to the built server as an admin would, with the server's peak memory
// before and after. `npm run bench` includes it; `tsx src/cli/bench-import.ts` runs it alone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { folderMigrations, migrateToLatest } from '../lib/server/db/migrator';
import { openSqlite } from '../lib/server/db/sqlite';
import { CATALOGUE_LIMITS, CATALOGUE_MAX_ROWS } from '../lib/server/imports/guarded-reader';
import { createUser } from '../lib/server/users/users.service';
import { peakRssMb, signInCookie, startServer } from './bench-server';

const ADMIN = { username: 'bench-admin', password: 'bench-admin-password-2026' };

export interface ImportFigures {
	rows: number;
	fileMb: number;
	seconds: number;
	status: number;
	serverRssBeforeMb: number | null;
	serverPeakRssMb: number | null;
}

/** The biggest certificate list under every cap: names and bases near the 8 MB a part may inflate to. */
async function largestWorkbook(): Promise<Buffer> {
	const wb = new ExcelJS.Workbook();
	const sheet = wb.addWorksheet('证明事项');
	sheet.addRow(['名称', '状态', '依据']);
	const basis = '依据《中华人民共和国行政许可法》及本省证明事项清理规定，'.repeat(7);
	for (let i = 0; i < CATALOGUE_MAX_ROWS; i++)
		sheet.addRow([
			`第${i + 1}项 居民${'身份与住址情况'.repeat(8)}证明`,
			i % 3 ? '取消' : '保留',
			`${basis}（${i}）`
		]);
	const bytes = Buffer.from(await wb.xlsx.writeBuffer());
	if (bytes.byteLength > CATALOGUE_LIMITS.maxBytes)
		throw new Error('the bench workbook is over the upload cap');
	return bytes;
}

export async function benchImport(): Promise<ImportFigures> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jfgc-bench-import-'));
	const file = path.join(dir, 'import.db');
	const { db } = openSqlite(file);
	let server: Awaited<ReturnType<typeof startServer>> | undefined;
	try {
		await migrateToLatest(db, folderMigrations());
		await createUser(db, null, {
			username: ADMIN.username,
			displayName: '基准测试管理员',
			role: 'admin',
			scopeCode: '',
			password: ADMIN.password,
			mustChangePassword: false
		});
		await db.destroy();
		const workbook = await largestWorkbook();
		server = await startServer(file);
		const cookie = await signInCookie(server.url, ADMIN);
		const before = peakRssMb(server.child.pid);
		const form = new FormData();
		form.set('kind', 'certificate');
		form.set('file', new Blob([new Uint8Array(workbook)]), 'largest.xlsx');
		const started = performance.now();
		const res = await fetch(`${server.url}/admin/catalogues?/import`, {
			method: 'POST',
			redirect: 'manual',
			headers: { cookie, accept: 'text/html', origin: server.url },
			body: form
		});
		const body = await res.text();
		if (res.status !== 200)
			console.error(
				body
					.replace(/<[^>]+>/g, ' ')
					.replace(/\s+/g, ' ')
					.slice(-900)
			);
		const seconds = (performance.now() - started) / 1000;
		return {
			rows: CATALOGUE_MAX_ROWS,
			fileMb: workbook.byteLength / 1024 / 1024,
			seconds,
			status: res.status,
			serverRssBeforeMb: before,
			serverPeakRssMb: peakRssMb(server.child.pid)
		};
	} finally {
		server?.child.kill();
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const f = await benchImport();
	console.log(
		`largest catalogue import: ${f.rows} rows, ${f.fileMb.toFixed(1)} MB, HTTP ${f.status} in ${f.seconds.toFixed(1)} s; ` +
			`server peak RSS ${f.serverRssBeforeMb?.toFixed(0)} MB before, ${f.serverPeakRssMb?.toFixed(0)} MB after`
	);
}
