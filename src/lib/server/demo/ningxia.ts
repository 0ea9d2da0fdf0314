import fs from 'node:fs';
import path from 'node:path';
import { levelOfCode, parentCodeOf } from '../../domain/regions';
import type { DivisionRow } from '../regions/division-import';

export const NINGXIA_FILE = path.resolve('src/lib/server/demo/ningxia-2023.tsv');

/** The committed Ningxia hierarchy as import rows, so the demo goes through the real importer. */
export function readNingxia(file = NINGXIA_FILE): DivisionRow[] {
	const rows: DivisionRow[] = [];
	fs.readFileSync(file, 'utf8')
		.split('\n')
		.forEach((line, i) => {
			if (!line || line.startsWith('#')) return;
			const [code, name] = line.split('\t');
			rows.push({
				file: path.basename(file),
				line: i + 1,
				code,
				name,
				parentCode: parentCodeOf(code),
				level: levelOfCode(code) ?? 0
			});
		});
	return rows;
}
