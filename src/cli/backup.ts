// A verified, consistent copy of the live database, safe while the server runs; keeps the newest
// BACKUP_KEEP (14) dated copies in BACKUP_DIR.
import { config } from '../lib/server/config';
import { runBackup } from '../lib/server/db/backups';

try {
	const report = await runBackup({
		source: config.databasePath,
		dir: config.backupDir,
		keep: config.backupKeep
	});
	const mb = (report.bytes / 1024 / 1024).toFixed(1);
	const rows = Object.values(report.rows).reduce((a, b) => a + b, 0);
	console.log(`Backup written: ${report.file}`);
	console.log(`  ${mb} MB, ${rows} rows in ${Object.keys(report.rows).length} tables, ${report.ms} ms`);
	if (report.removed.length) console.log(`  removed: ${report.removed.join(', ')}`);
} catch (e) {
	console.error(`Backup of ${config.databasePath} failed: ${e instanceof Error ? e.message : String(e)}`);
	process.exitCode = 1;
}
