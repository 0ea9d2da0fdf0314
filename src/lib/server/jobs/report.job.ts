// The report job: takes the oldest queued report, reads its data once, writes the Word, Excel and
// CSV files beside their final folder and moves them into place whole, and stores the report's
// words for the print view. One report at a time, on the one worker (./worker.ts).
import fs from 'node:fs';
import path from 'node:path';
import { chinaDate } from '../../domain/periods';
import { canSeeRegion, type Viewer } from '../auth/access';
import { now, type Db } from '../db';
import { reportCsv } from '../reports/report-csv';
import { loadReportData } from '../reports/report-data';
import { reportDocx } from '../reports/report-docx';
import { REPORT_FILES, reportFolder, type ReportFileKind } from '../reports/report-files';
import { expireReports } from '../reports/report-settings.service';
import { reportFront, reportSections } from '../reports/report-text';
import { writeReportXlsx } from '../reports/report-xlsx';
import {
	claimReport,
	markDone,
	markFailed,
	nextQueued,
	setReportProgress,
	type ReportRow
} from '../reports/reports.repository';
import { findUser } from '../users/users.repository';
import { worker } from './worker';

export const reportJobs = worker('report worker', drain);
const logFailure = reportJobs.log;

async function drain(db: Db) {
	for (;;) {
		const job = await nextQueued(db);
		if (!job) return;
		// Claimed only if still queued, so a job is never generated twice.
		if (!(await claimReport(db, job.id, now()))) continue;
		await generate(db, job);
		await expireReports(db).catch(logFailure);
	}
}

async function generate(db: Db, job: ReportRow) {
	let shown = 0;
	// Progress writes go one after another, and the last lands before the final update.
	let writing: Promise<unknown> = Promise.resolve();
	const progress = (share: number) => {
		const pct = Math.max(1, Math.min(99, Math.round(share * 100)));
		if (pct > shown) {
			shown = pct;
			writing = writing.then(() => setReportProgress(db, job.id, pct)).catch(logFailure);
		}
		return writing;
	};
	const folder = reportFolder(job.id);
	const partial = `${folder}.partial`;
	try {
		const user = await findUser(db, job.created_by);
		if (!user) throw new Error('maker not found');
		const viewer: Viewer = {
			id: user.id,
			role: user.role,
			regionCode: user.region_code,
			pointId: user.point_id
		};
		// The report covers what its maker may see now, not what they could see when they asked.
		if (user.active !== 1 || !canSeeRegion(viewer, job.region_code)) throw new Error('out of scope');
		const locale = job.locale;
		const data = await loadReportData(db, viewer, {
			regionCode: job.region_code,
			quarter: job.quarter,
			issuer: job.issuer,
			issuedOn: chinaDate(new Date(job.created_at)),
			locale
		});
		// The words once, for the Word file and the print view alike.
		const text = { front: reportFront(data, locale), sections: reportSections(data, locale) };
		await progress(0.15);
		// Written beside the final folder and moved into place whole, so no half file is served.
		fs.rmSync(partial, { recursive: true, force: true });
		fs.mkdirSync(partial, { recursive: true });
		const file = (kind: ReportFileKind) => path.join(partial, REPORT_FILES[kind]);
		const docx = await reportDocx(data, {
			locale,
			text,
			onProgress: (s) => void progress(0.15 + s * 0.4)
		});
		fs.writeFileSync(file('docx'), docx);
		await progress(0.55);
		await writeReportXlsx(data, file('xlsx'), {
			locale,
			onProgress: (s) => void progress(0.55 + s * 0.4)
		});
		await progress(0.95);
		fs.writeFileSync(file('csv'), reportCsv(data, { locale }));
		const files = Object.fromEntries(
			(Object.keys(REPORT_FILES) as ReportFileKind[]).map((k) => [k, fs.statSync(file(k)).size])
		);
		fs.rmSync(folder, { recursive: true, force: true });
		fs.renameSync(partial, folder);
		await writing;
		await markDone(db, job.id, {
			title: data.title,
			files,
			content: { ...text, locale },
			at: now()
		});
	} catch (e) {
		console.error(`report ${job.id} failed`, e);
		await writing;
		fs.rmSync(partial, { recursive: true, force: true });
		await markFailed(db, job.id, e instanceof Error ? e.message.slice(0, 500) : 'error', now());
	}
}
