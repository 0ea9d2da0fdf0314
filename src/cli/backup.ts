// A consistent copy of the live database (SQLite online backup), safe while the server runs.
import path from 'node:path';
import { config } from '../lib/server/config';
import { backupSqlite } from '../lib/server/db/sqlite';

const stamp = new Date().toISOString().replace(/[:.]/g, '').replace('T', '-').slice(0, 17);
const target = path.join(config.backupDir, `app-${stamp}.db`);
await backupSqlite(config.databasePath, target);
console.log(`Backup written: ${target}`);
