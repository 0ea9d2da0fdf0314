import { config } from '../lib/server/config';
import { openMigrated } from './shared';

const { db, applied } = await openMigrated();
console.log(
	applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date',
	`(${config.databasePath})`
);
await db.destroy();
