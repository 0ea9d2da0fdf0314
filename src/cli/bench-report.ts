// Run by `npm run bench` in a process of its own, so its peak memory is the report's alone:
// the quarterly report (Word and Excel) for a region of the benchmark database. Prints one line
// of JSON with the timings and the peak resident memory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useDatabase } from '../lib/server/db';
import { openSqlite } from '../lib/server/db/sqlite';
import { loadReportData } from '../lib/server/reports/report-data';
import { reportDocx } from '../lib/server/reports/report-docx';
import { writeReportXlsx } from '../lib/server/reports/report-xlsx';

const [file, regionCode, quarter] = process.argv.slice(2);
if (!file || !regionCode || !quarter) {
	console.error('usage: bench-report DATABASE REGION QUARTER');
	process.exit(2);
}
const { db } = openSqlite(file);
useDatabase(db);
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'jfgc-bench-report-'));
try {
	const admin = { id: 0, role: 'admin' as const, regionCode: null, pointId: null };
	const started = performance.now();
	const data = await loadReportData(db, admin, { regionCode, quarter });
	const loaded = performance.now();
	const docx = await reportDocx(data);
	fs.writeFileSync(path.join(out, 'report.docx'), docx);
	const wrote = performance.now();
	await writeReportXlsx(data, path.join(out, 'report.xlsx'));
	const done = performance.now();
	console.log(
		JSON.stringify({
			loadMs: loaded - started,
			docxMs: wrote - loaded,
			xlsxMs: done - wrote,
			totalMs: done - started,
			docxBytes: docx.length,
			xlsxBytes: fs.statSync(path.join(out, 'report.xlsx')).size,
			submissions: data.submissions.length,
			peakRssMb: process.resourceUsage().maxRSS / 1024
		})
	);
} finally {
	fs.rmSync(out, { recursive: true, force: true });
	await db.destroy();
}
