import { describe, expect, it } from 'vitest';
import {
	parseDivisionFile,
	validateDivisions,
	type DivisionRow
} from '../../src/lib/server/regions/division-import';
import { divisionCsv, divisionRow, goodUpload, headers } from '../helpers/divisions';

/** Parse then validate, as the importer does, against a database holding `known`. */
async function problemsIn(files: { name: string; text: string }[], known: string[] = []) {
	const rows: DivisionRow[] = [];
	const problems = [];
	for (const f of files) {
		const parsed = parseDivisionFile(f.name, f.text);
		rows.push(...parsed.rows);
		problems.push(...parsed.problems);
	}
	const knownSet = new Set(known);
	problems.push(
		...(await validateDivisions(rows, async (codes) => new Set(codes.filter((c) => knownSet.has(c)))))
	);
	return problems;
}

describe('parseDivisionFile', () => {
	it('reads every level from its header, with the parent from the parent column', () => {
		const files = goodUpload();
		const levels = files.map((f) =>
			parseDivisionFile(f.name, f.text).rows.map((r) => [r.code, r.level, r.parentCode])
		);
		expect(levels).toEqual([
			[['64', 1, null]],
			[['6401', 2, '64']],
			[['640104', 3, '6401']],
			[['640104001', 4, '640104']],
			[
				['640104001001', 5, '640104001'],
				['640104001002', 5, '640104001']
			]
		]);
	});

	it('unquotes names and numbers lines from the header as line 1', () => {
		const { rows, problems } = parseDivisionFile(
			'villages.csv',
			divisionCsv('villages', [divisionRow('villages', '640104001001', '满春社区居委会')]).text
		);
		expect(problems).toEqual([]);
		expect(rows).toEqual([
			{
				file: 'villages.csv',
				line: 2,
				code: '640104001001',
				name: '满春社区居委会',
				parentCode: '640104001',
				level: 5
			}
		]);
	});

	it('accepts columns in any order, a byte-order mark and Windows line ends', () => {
		const text = '\uFEFFprovinceCode,name,code\r\n64,"银川市",6401\r\n';
		const { rows, problems } = parseDivisionFile('cities.csv', text);
		expect(problems).toEqual([]);
		expect(rows).toMatchObject([{ code: '6401', name: '银川市', parentCode: '64', level: 2, line: 2 }]);
	});

	it('reports an unrecognised header on line 1 and reads no rows', () => {
		const { rows, problems } = parseDivisionFile('regions.csv', 'id,title\n64,"宁夏"\n');
		expect(rows).toEqual([]);
		expect(problems).toEqual([{ file: 'regions.csv', line: 1, reason: 'bad_header' }]);
	});

	it('reports a row with the wrong number of columns on its own line', () => {
		const { rows, problems } = parseDivisionFile(
			'cities.csv',
			[headers.cities, '6401,"银川市",64', '6402,"石嘴山市"', '6403,"吴忠市",64,extra'].join('\n')
		);
		expect(rows.map((r) => r.code)).toEqual(['6401']);
		expect(problems).toEqual([
			{ file: 'cities.csv', line: 3, reason: 'wrong_columns', code: '6402' },
			{ file: 'cities.csv', line: 4, reason: 'wrong_columns', code: '6403' }
		]);
	});

	it('counts blank lines when it says which line a row is on', () => {
		const { rows } = parseDivisionFile(
			'cities.csv',
			[headers.cities, '6401,"银川市",64', '', '6402,"石嘴山市",64'].join('\n')
		);
		expect(rows.map((r) => [r.code, r.line])).toEqual([
			['6401', 2],
			['6402', 4]
		]);
	});
});

describe('validateDivisions', () => {
	it('finds nothing wrong with a consistent upload', async () => {
		expect(await problemsIn(goodUpload())).toEqual([]);
	});

	it('accepts a parent the database already has', async () => {
		const cities = divisionCsv('cities', [divisionRow('cities', '6402', '石嘴山市')]);
		expect(await problemsIn([cities], ['64'])).toEqual([]);
		expect(await problemsIn([cities], [])).toHaveLength(1);
	});

	it('reports a code whose length does not fit its file as malformed', async () => {
		const cities = divisionCsv('cities', ['640,"银川市",64', '64a1,"石嘴山市",64']);
		expect(await problemsIn([cities], ['64'])).toEqual([
			{ file: 'cities.csv', line: 2, code: '640', reason: 'malformed_code' },
			{ file: 'cities.csv', line: 3, code: '64a1', reason: 'malformed_code' }
		]);
	});

	it('reports a code that is not under the code in its parent column', async () => {
		const areas = divisionCsv('areas', ['640205,"大武口区",6401,64', '640104,"兴庆区",,64']);
		expect(await problemsIn([areas], ['64', '6401', '6402'])).toEqual([
			{ file: 'areas.csv', line: 2, code: '640205', reason: 'malformed_code', detail: '6401' },
			{ file: 'areas.csv', line: 3, code: '640104', reason: 'malformed_code', detail: '' }
		]);
	});

	it('reports a parent that is neither in the upload nor in the database', async () => {
		const streets = divisionCsv('streets', [divisionRow('streets', '640104001', '凤凰北街街道')]);
		expect(await problemsIn([streets], ['64', '6401'])).toEqual([
			{ file: 'streets.csv', line: 2, code: '640104001', reason: 'unknown_parent', detail: '640104' }
		]);
	});

	it('reports a repeated code with the file and line where it first appeared', async () => {
		const first = divisionCsv('cities', [divisionRow('cities', '6401', '银川市')]);
		const again = { name: 'more-cities.csv', text: first.text.replace('\n', '\n6402,"石嘴山市",64\n') };
		expect(await problemsIn([first, again], ['64'])).toEqual([
			{ file: 'more-cities.csv', line: 3, code: '6401', reason: 'duplicate', detail: 'cities.csv:2' }
		]);
	});

	it('reports an empty name', async () => {
		const villages = divisionCsv('villages', [divisionRow('villages', '640104001001', '  ')]);
		expect(await problemsIn([villages], ['640104001'])).toEqual([
			{ file: 'villages.csv', line: 2, code: '640104001001', reason: 'empty_name' }
		]);
	});

	it('reports every bad row in the upload, not only the first', async () => {
		const files = [
			divisionCsv('villages', [
				divisionRow('villages', '640104001001', ''),
				divisionRow('villages', '640104001002', '红花村委会'),
				divisionRow('villages', '640104001002', '红花村委会')
			]),
			divisionCsv('cities', ['6401,"银川市"'])
		];
		const problems = await problemsIn(files, ['640104001', '64']);
		expect(problems.map((p) => [p.file, p.line, p.reason])).toEqual([
			['cities.csv', 2, 'wrong_columns'],
			['villages.csv', 2, 'empty_name'],
			['villages.csv', 4, 'duplicate']
		]);
	});
});
