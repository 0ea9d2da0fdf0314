// The admin's report setting (the pending limits and the retention period) and the retention
// clean-up it drives: files of reports finished before the period are deleted, the rows kept.
import fs from 'node:fs';
import { reportSettingsFrom, type ReportSettings } from '../../domain/report-settings';
import { diff, writeAudit } from '../audit/audit.repository';
import type { Db } from '../db';
import { reportFolder } from './report-files';
import { listDoneBefore, markExpired, readReportSettings, writeReportSettings } from './reports.repository';

/** A stored value out of range or unreadable falls back to the default, field by field. */
export async function getReportSettings(db: Db): Promise<ReportSettings> {
	return reportSettingsFrom(await readReportSettings(db));
}

/** Saved and audited together; a shorter retention applies at once. */
export async function setReportSettings(db: Db, actorId: number | null, next: ReportSettings): Promise<void> {
	await db.transaction().execute(async (trx) => {
		const before = await getReportSettings(trx);
		await writeReportSettings(trx, next);
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

/**
 * Deletes the files of reports finished before the retention period and marks them expired.
 * Returns how many expired.
 */
export async function expireReports(db: Db, at: Date = new Date()): Promise<number> {
	const { retentionDays } = await getReportSettings(db);
	const cutoff = new Date(at.getTime() - retentionDays * 86_400_000).toISOString();
	const old = await listDoneBefore(db, cutoff);
	for (const id of old) {
		// Files first: a row marked expired never points at files left behind.
		fs.rmSync(reportFolder(id), { recursive: true, force: true });
		await markExpired(db, id);
	}
	return old.length;
}
