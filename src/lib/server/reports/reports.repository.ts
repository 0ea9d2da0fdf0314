// The report rows: the queue the job works through, what counts against the pending limits, the
// files and words a finished report left, and the admin's report setting. SQL only; the rules are
// in reports.service.ts and the job in ../jobs/report.job.ts.
import type { Selectable } from 'kysely';
import type { ReportFileKind, ReportLocale } from '../../text/reports';
import type { Db } from '../db';
import { jsonFromColumn, toJsonColumn } from '../db/json-columns';
import type { ReportStatus, ReportsTable } from '../db/schema';
import type { ReportFront, ReportSection } from './report-text';

export type ReportRow = Selectable<ReportsTable>;

/** What the print view shows, stored when the job writes the files. */
export interface StoredReport {
	front: ReportFront;
	sections: ReportSection[];
	locale: ReportLocale;
}

export interface NewReport {
	regionCode: string;
	quarter: string;
	issuer: string;
	locale: ReportLocale;
}

export const PENDING: ReportStatus[] = ['queued', 'running'];

const SETTINGS_KEY = 'report_settings';

/** The stored report setting as it was written; unreadable text reads as nothing. */
export async function readReportSettings(db: Db): Promise<unknown> {
	const row = await db
		.selectFrom('app_settings')
		.select('value')
		.where('key', '=', SETTINGS_KEY)
		.executeTakeFirst();
	try {
		return jsonFromColumn<unknown>(row?.value, {});
	} catch {
		return {};
	}
}

export async function writeReportSettings(db: Db, settings: object): Promise<void> {
	const value = toJsonColumn(settings);
	await db
		.insertInto('app_settings')
		.values({ key: SETTINGS_KEY, value })
		.onConflict((oc) => oc.column('key').doUpdateSet({ value }))
		.execute();
}

/** Every pending report's region and maker. */
export function listPending(db: Db): Promise<{ region_code: string; created_by: number }[]> {
	return db
		.selectFrom('reports')
		.select(['region_code', 'created_by'])
		.where('status', 'in', PENDING)
		.execute();
}

/** The oldest pending report asked with exactly these options. */
export async function findPendingSame(db: Db, input: NewReport): Promise<number | undefined> {
	const row = await db
		.selectFrom('reports')
		.select('id')
		.where('status', 'in', PENDING)
		.where('region_code', '=', input.regionCode)
		.where('quarter', '=', input.quarter)
		.where('locale', '=', input.locale)
		.where('issuer', '=', input.issuer)
		.orderBy('id')
		.executeTakeFirst();
	return row?.id;
}

/** Pending reports made by one user (`created_by`) or on one region (`region_code`). */
export async function countPending(
	db: Db,
	column: 'created_by' | 'region_code',
	value: number | string
): Promise<number> {
	const { n } = await db
		.selectFrom('reports')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('status', 'in', PENDING)
		.where(column, '=', value)
		.executeTakeFirstOrThrow();
	return Number(n);
}

export async function insertReport(db: Db, actorId: number, input: NewReport, at: string): Promise<number> {
	const row = await db
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
			content: null,
			created_by: actorId,
			created_at: at,
			started_at: null,
			finished_at: null
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

/** Finished reports older than the cutoff. */
export async function listDoneBefore(db: Db, cutoff: string): Promise<number[]> {
	const rows = await db
		.selectFrom('reports')
		.select('id')
		.where('status', '=', 'done')
		.where('finished_at', '<', cutoff)
		.execute();
	return rows.map((r) => r.id);
}

/** A finished report whose files are gone: nothing of it is kept but the row. */
export async function markExpired(db: Db, id: number): Promise<void> {
	await db
		.updateTable('reports')
		.set({ status: 'expired', files: null, content: null })
		.where('id', '=', id)
		.where('status', '=', 'done')
		.execute();
}

/** Running reports back in the queue (at start-up nothing can still be running). */
export async function requeueRunning(db: Db): Promise<void> {
	await db
		.updateTable('reports')
		.set({ status: 'queued', progress: 0 })
		.where('status', '=', 'running')
		.execute();
}

export function nextQueued(db: Db): Promise<ReportRow | undefined> {
	return db.selectFrom('reports').selectAll().where('status', '=', 'queued').orderBy('id').executeTakeFirst();
}

/** Marks a queued report running; false when another drain took it first. */
export async function claimReport(db: Db, id: number, at: string): Promise<boolean> {
	const claimed = await db
		.updateTable('reports')
		.set({ status: 'running', started_at: at, progress: 1 })
		.where('id', '=', id)
		.where('status', '=', 'queued')
		.executeTakeFirst();
	return Number(claimed.numUpdatedRows) > 0;
}

export async function setReportProgress(db: Db, id: number, progress: number): Promise<void> {
	await db.updateTable('reports').set({ progress }).where('id', '=', id).execute();
}

export async function markDone(
	db: Db,
	id: number,
	done: {
		title: string;
		files: Partial<Record<ReportFileKind, number>>;
		content: StoredReport;
		at: string;
	}
): Promise<void> {
	await db
		.updateTable('reports')
		.set({
			status: 'done',
			progress: 100,
			title: done.title,
			files: toJsonColumn(done.files),
			content: toJsonColumn(done.content),
			finished_at: done.at
		})
		.where('id', '=', id)
		.execute();
}

export async function markFailed(db: Db, id: number, error: string, at: string): Promise<void> {
	await db
		.updateTable('reports')
		.set({ status: 'failed', error, finished_at: at })
		.where('id', '=', id)
		.execute();
}

export interface ReportListItem {
	id: number;
	regionCode: string;
	regionName: string;
	quarter: string;
	issuer: string;
	locale: ReportLocale;
	title: string | null;
	status: ReportStatus;
	progress: number;
	createdBy: string;
	createdAt: string;
	finishedAt: string | null;
	files: Partial<Record<ReportFileKind, number>>;
	/** Whether the words are stored for the print view (every report written since they are). */
	printable: boolean;
}

const reportQuery = (db: Db) =>
	db
		.selectFrom('reports as r')
		.innerJoin('users as u', 'u.id', 'r.created_by')
		.innerJoin('regions as g', 'g.code', 'r.region_code')
		.select((eb) => [
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
			'r.files',
			eb('r.content', 'is not', null).as('printable')
		]);

const toItem = ({
	files,
	printable,
	...r
}: Awaited<ReturnType<ReturnType<typeof reportQuery>['executeTakeFirstOrThrow']>>): ReportListItem => ({
	...r,
	files: jsonFromColumn<ReportListItem['files']>(files, {}),
	printable: !!printable
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

/** The words a finished report stored for the print view; null before it is done and once expired. */
export async function findReportContent(db: Db, id: number): Promise<StoredReport | null> {
	const row = await db.selectFrom('reports').select('content').where('id', '=', id).executeTakeFirst();
	return jsonFromColumn<StoredReport | null>(row?.content, null);
}

/** The newest finished report asked with these options whose words are stored. */
export async function findLatestDone(db: Db, options: NewReport): Promise<number | undefined> {
	const row = await db
		.selectFrom('reports')
		.select('id')
		.where('status', '=', 'done')
		.where('content', 'is not', null)
		.where('region_code', '=', options.regionCode)
		.where('quarter', '=', options.quarter)
		.where('locale', '=', options.locale)
		.where('issuer', '=', options.issuer)
		.orderBy('id', 'desc')
		.executeTakeFirst();
	return row?.id;
}
