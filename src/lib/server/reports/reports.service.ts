// Quarterly reports are generated in the background, one at a time, inside the server process:
// the analyst asks, leaves, and downloads the files when they are ready. A report interrupted by
// a restart is queued again at start-up. The queue is shared, so each user and each region may
// have only a few reports pending, and old files are deleted after the retention period.
import type { Selectable } from 'kysely';
import fs from 'node:fs';
import path from 'node:path';
import { chinaDate } from '../../domain/periods';
import { canSeeRegion, type Viewer } from '../auth/access';
import { diff, writeAudit } from '../audit/audit.repository';
import { config } from '../config';
import { now, type Db } from '../db';
import { worker } from '../jobs/worker';
import type { ReportStatus, ReportsTable } from '../db/schema';
import { reportCsv } from './report-csv';
import { loadReportData } from './report-data';
import { reportDocx } from './report-docx';
import { writeReportXlsx } from './report-xlsx';

export const REPORT_FILES = {
	docx: 'report.docx',
	xlsx: 'report.xlsx',
	csv: 'answers.csv'
} as const;
export type ReportFileKind = keyof typeof REPORT_FILES;

export const REPORT_MIME: Record<ReportFileKind, string> = {
	docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	csv: 'text/csv; charset=utf-8'
};

export interface ReportRequestInput {
	regionCode: string;
	quarter: string;
	issuer: string;
	locale: 'zh' | 'en';
}

export interface ReportSettings {
	/** Pending (queued or running) reports one user may have. */
	perUser: number;
	/** Pending reports on one region, whoever asked. */
	perRegion: number;
	/** Days a finished report's files are kept. */
	retentionDays: number;
}

export const DEFAULT_REPORT_SETTINGS: ReportSettings = { perUser: 3, perRegion: 10, retentionDays: 30 };
export const REPORT_SETTING_RANGE: Record<keyof ReportSettings, { min: number; max: number }> = {
	perUser: { min: 1, max: 50 },
	perRegion: { min: 1, max: 200 },
	retentionDays: { min: 1, max: 3650 }
};
const SETTINGS_KEY = 'report_settings';

/** A stored value out of range or unreadable falls back to the default, field by field. */
export function parseReportSettings(json: string | null | undefined): ReportSettings {
	let raw: Partial<Record<keyof ReportSettings, unknown>> = {};
	try {
		raw = json ? JSON.parse(json) : {};
	} catch {
		// Unreadable: the defaults.
	}
	const pick = (k: keyof ReportSettings) => {
		const v = raw?.[k];
		const { min, max } = REPORT_SETTING_RANGE[k];
		return Number.isInteger(v) && (v as number) >= min && (v as number) <= max
			? (v as number)
			: DEFAULT_REPORT_SETTINGS[k];
	};
	return { perUser: pick('perUser'), perRegion: pick('perRegion'), retentionDays: pick('retentionDays') };
}

export async function getReportSettings(db: Db): Promise<ReportSettings> {
	const row = await db
		.selectFrom('app_settings')
		.select('value')
		.where('key', '=', SETTINGS_KEY)
		.executeTakeFirst();
	return parseReportSettings(row?.value);
}

/** Saved and audited together; a shorter retention applies at once. */
export async function setReportSettings(db: Db, actorId: number | null, next: ReportSettings): Promise<void> {
	await db.transaction().execute(async (trx) => {
		const before = await getReportSettings(trx);
		const value = JSON.stringify(next);
		await trx
			.insertInto('app_settings')
			.values({ key: SETTINGS_KEY, value })
			.onConflict((oc) => oc.column('key').doUpdateSet({ value }))
			.execute();
		await writeAudit(trx, {
			userId: actorId,
			action: 'report_settings.update',
			entityType: 'report_settings',
			entityId: null,
			changes: diff({ ...before }, { ...next })
		});
	});
	await expireReports(db);
}

const PENDING: ReportStatus[] = ['queued', 'running'];

export interface PendingCounts {
	mine: number;
	/** Region code → pending reports on it. */
	byRegion: Record<string, number>;
}

/** What counts against the limits: the user's pending reports, and each region's. */
export async function pendingCounts(db: Db, userId: number): Promise<PendingCounts> {
	const rows = await db
		.selectFrom('reports')
		.select(['region_code', 'created_by'])
		.where('status', 'in', PENDING)
		.execute();
	const byRegion: Record<string, number> = {};
	for (const r of rows) byRegion[r.region_code] = (byRegion[r.region_code] ?? 0) + 1;
	return { mine: rows.filter((r) => r.created_by === userId).length, byRegion };
}

export type ReportRequestOutcome =
	{ ok: true; id: number; existing: boolean } | { ok: false; limit: 'user' | 'region'; max: number };

/**
 * Queues a report, unless the same one is already pending (its id is returned instead) or the
 * user or the region has as many pending as the limits allow (nothing is queued).
 */
export async function requestReport(
	db: Db,
	actorId: number,
	input: ReportRequestInput
): Promise<ReportRequestOutcome> {
	// One SQLite connection runs transactions one at a time, so the counts cannot go stale
	// between the check and the insert.
	const outcome = await db.transaction().execute(async (trx): Promise<ReportRequestOutcome> => {
		const same = await trx
			.selectFrom('reports')
			.select('id')
			.where('status', 'in', PENDING)
			.where('region_code', '=', input.regionCode)
			.where('quarter', '=', input.quarter)
			.where('locale', '=', input.locale)
			.where('issuer', '=', input.issuer)
			.orderBy('id')
			.executeTakeFirst();
		if (same) return { ok: true, id: same.id, existing: true };
		const settings = await getReportSettings(trx);
		const count = async (column: 'created_by' | 'region_code', value: number | string) => {
			const { n } = await trx
				.selectFrom('reports')
				.select((eb) => eb.fn.countAll<number>().as('n'))
				.where('status', 'in', PENDING)
				.where(column, '=', value)
				.executeTakeFirstOrThrow();
			return Number(n);
		};
		if ((await count('created_by', actorId)) >= settings.perUser)
			return { ok: false, limit: 'user', max: settings.perUser };
		if ((await count('region_code', input.regionCode)) >= settings.perRegion)
			return { ok: false, limit: 'region', max: settings.perRegion };
		const row = await trx
			.insertInto('reports')
			.values({
				region_code: input.regionCode,
				quarter: input.quarter,
				locale: input.locale,
				issuer: input.issuer,
				title: null,
				status: 'queued',
				error: null,
				files: null,
				created_by: actorId,
				created_at: now(),
				started_at: null,
				finished_at: null
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		await writeAudit(trx, {
			userId: actorId,
			action: 'report.create',
			entityType: 'report',
			entityId: row.id,
			changes: { region_code: input.regionCode, quarter: input.quarter }
		});
		return { ok: true, id: row.id, existing: false };
	});
	if (outcome.ok && !outcome.existing) reports.start(db);
	return outcome;
}

/**
 * Deletes the files of reports finished before the retention period and marks them expired.
 * Returns how many expired.
 */
export async function expireReports(db: Db, at: Date = new Date()): Promise<number> {
	const { retentionDays } = await getReportSettings(db);
	const cutoff = new Date(at.getTime() - retentionDays * 86_400_000).toISOString();
	const old = await db
		.selectFrom('reports')
		.select('id')
		.where('status', '=', 'done')
		.where('finished_at', '<', cutoff)
		.execute();
	for (const { id } of old) {
		// Files first: a row marked expired never points at files left behind.
		fs.rmSync(reportFolder(id), { recursive: true, force: true });
		await db
			.updateTable('reports')
			.set({ status: 'expired', files: null })
			.where('id', '=', id)
			.where('status', '=', 'done')
			.execute();
	}
	return old.length;
}

const reports = worker('report worker', drain);
const logFailure = reports.log;

/** Starts the worker if it is idle; resolves when the queue is empty (tests await it). */
export const kickReports = (db: Db): Promise<void> => reports.kick(db);

/** At start-up: old files are cleaned, and a report a restart interrupted goes back in the queue. */
export async function resumeReports(db: Db): Promise<void> {
	await expireReports(db);
	// One server process generates reports, so at start-up nothing can still be running.
	await db
		.updateTable('reports')
		.set({ status: 'queued', progress: 0 })
		.where('status', '=', 'running')
		.execute();
	reports.start(db);
}

async function drain(db: Db) {
	for (;;) {
		const job = await db
			.selectFrom('reports')
			.selectAll()
			.where('status', '=', 'queued')
			.orderBy('id')
			.executeTakeFirst();
		if (!job) return;
		// Claimed only if still queued, so a job is never generated twice.
		const claimed = await db
			.updateTable('reports')
			.set({ status: 'running', started_at: now(), progress: 1 })
			.where('id', '=', job.id)
			.where('status', '=', 'queued')
			.executeTakeFirst();
		if (Number(claimed.numUpdatedRows) === 0) continue;
		await generate(db, job);
		await expireReports(db).catch(logFailure);
	}
}

export const reportFolder = (id: number) => path.join(config.reportDir, String(id));
export const reportFilePath = (id: number, kind: ReportFileKind) =>
	path.join(reportFolder(id), REPORT_FILES[kind]);

async function generate(db: Db, job: Selectable<ReportsTable>) {
	let shown = 0;
	// Progress writes go one after another, and the last lands before the final update.
	let writing: Promise<unknown> = Promise.resolve();
	const progress = (share: number) => {
		const pct = Math.max(1, Math.min(99, Math.round(share * 100)));
		if (pct > shown) {
			shown = pct;
			writing = writing
				.then(() => db.updateTable('reports').set({ progress: pct }).where('id', '=', job.id).execute())
				.catch(logFailure);
		}
		return writing;
	};
	const folder = reportFolder(job.id);
	const partial = `${folder}.partial`;
	try {
		const user = await db
			.selectFrom('users')
			.select(['id', 'role', 'region_code', 'point_id', 'active'])
			.where('id', '=', job.created_by)
			.executeTakeFirstOrThrow();
		const viewer: Viewer = {
			id: user.id,
			role: user.role,
			regionCode: user.region_code,
			pointId: user.point_id
		};
		// The report covers what its maker may see now, not what they could see when they asked.
		if (user.active !== 1 || !canSeeRegion(viewer, job.region_code)) throw new Error('out of scope');
		const data = await loadReportData(db, viewer, {
			regionCode: job.region_code,
			quarter: job.quarter,
			issuer: job.issuer,
			issuedOn: chinaDate(new Date(job.created_at)),
			locale: job.locale
		});
		await progress(0.15);
		// Written beside the final folder and moved into place whole, so no half file is served.
		fs.rmSync(partial, { recursive: true, force: true });
		fs.mkdirSync(partial, { recursive: true });
		const file = (kind: ReportFileKind) => path.join(partial, REPORT_FILES[kind]);
		const docx = await reportDocx(data, {
			locale: job.locale,
			onProgress: (s) => void progress(0.15 + s * 0.4)
		});
		fs.writeFileSync(file('docx'), docx);
		await progress(0.55);
		await writeReportXlsx(data, file('xlsx'), {
			locale: job.locale,
			onProgress: (s) => void progress(0.55 + s * 0.4)
		});
		await progress(0.95);
		fs.writeFileSync(file('csv'), reportCsv(data, { locale: job.locale }));
		const files = Object.fromEntries(
			(Object.keys(REPORT_FILES) as ReportFileKind[]).map((k) => [k, fs.statSync(file(k)).size])
		);
		fs.rmSync(folder, { recursive: true, force: true });
		fs.renameSync(partial, folder);
		await writing;
		await db
			.updateTable('reports')
			.set({
				status: 'done',
				progress: 100,
				title: data.title,
				files: JSON.stringify(files),
				finished_at: now()
			})
			.where('id', '=', job.id)
			.execute();
	} catch (e) {
		console.error(`report ${job.id} failed`, e);
		await writing;
		fs.rmSync(partial, { recursive: true, force: true });
		await db
			.updateTable('reports')
			.set({
				status: 'failed',
				error: e instanceof Error ? e.message.slice(0, 500) : 'error',
				finished_at: now()
			})
			.where('id', '=', job.id)
			.execute();
	}
}

export interface ReportListItem {
	id: number;
	regionCode: string;
	regionName: string;
	quarter: string;
	issuer: string;
	locale: 'zh' | 'en';
	title: string | null;
	status: ReportsTable['status'];
	progress: number;
	createdBy: string;
	createdAt: string;
	finishedAt: string | null;
	files: Partial<Record<ReportFileKind, number>>;
}

const reportQuery = (db: Db) =>
	db
		.selectFrom('reports as r')
		.innerJoin('users as u', 'u.id', 'r.created_by')
		.innerJoin('regions as g', 'g.code', 'r.region_code')
		.select([
			'r.id',
			'r.region_code as regionCode',
			'g.name as regionName',
			'r.quarter',
			'r.issuer',
			'r.locale',
			'r.title',
			'r.status',
			'r.progress',
			'u.display_name as createdBy',
			'r.created_at as createdAt',
			'r.finished_at as finishedAt',
			'r.files'
		]);

const toItem = (
	r: Awaited<ReturnType<ReturnType<typeof reportQuery>['executeTakeFirstOrThrow']>>
): ReportListItem => ({
	...r,
	files: r.files ? (JSON.parse(r.files) as ReportListItem['files']) : {}
});

/** Reports on regions within `within` (null: all), newest first, whoever made them. */
export async function listReports(db: Db, within: string | null, limit = 50): Promise<ReportListItem[]> {
	const rows = await reportQuery(db)
		.$if(within !== null, (q) => q.where('r.region_code', 'like', `${within}%`))
		.orderBy('r.id', 'desc')
		.limit(limit)
		.execute();
	return rows.map(toItem);
}

export async function findReport(db: Db, id: number): Promise<ReportListItem | undefined> {
	const row = await reportQuery(db).where('r.id', '=', id).executeTakeFirst();
	return row ? toItem(row) : undefined;
}
