import path from 'node:path';

// Read from process.env (not $env) so the CLI tools under tsx share this module with the app.
export const config = {
	get databasePath(): string {
		return path.resolve(process.env.DATABASE_PATH || './data/app.db');
	},
	get backupDir(): string {
		return path.resolve(process.env.BACKUP_DIR || './data/backups');
	},
	/** How many dated backups `npm run backup` keeps; older ones are deleted after a good one. */
	get backupKeep(): number {
		const n = Number(process.env.BACKUP_KEEP);
		return Number.isInteger(n) && n > 0 ? n : 14;
	},
	/** Uploaded evidence photos, each under a random name; back it up with the database. */
	get photoDir(): string {
		return path.resolve(process.env.PHOTO_DIR || './data/photos');
	},
	/** Generated quarterly reports, one folder per report. */
	get reportDir(): string {
		return path.resolve(process.env.REPORT_DIR || './data/reports');
	},
	/** Secure cookies unless told otherwise; only the dev server and tests run without. */
	get cookieSecure(): boolean {
		const v = process.env.COOKIE_SECURE;
		if (v === 'true' || v === '1') return true;
		if (v === 'false' || v === '0') return false;
		return process.env.NODE_ENV !== 'development' && process.env.NODE_ENV !== 'test';
	},
	get sessionDays(): number {
		const n = Number(process.env.SESSION_DAYS);
		return Number.isFinite(n) && n > 0 ? n : 14;
	}
};
