import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
	CATALOGUE_MAX_FILE_BYTES,
	parseCatalogueFile,
	type CatalogueProblem
} from '../../src/lib/server/registers/catalogue-import.service';

const csv = (text: string, name = 'list.csv') => ({ name, bytes: new TextEncoder().encode(text) });

async function xlsx(rows: (string | number | null)[][], name = 'list.xlsx') {
	const workbook = new ExcelJS.Workbook();
	const sheet = workbook.addWorksheet('目录');
	for (const row of rows) sheet.addRow(row);
	return { name, bytes: new Uint8Array(await workbook.xlsx.writeBuffer()) };
}

describe('reading a signboard catalogue', () => {
	it('accepts Chinese headers and values, with a BOM, and maps them to stored codes', async () => {
		const { rows, problems } = await parseCatalogueFile(
			'signboard',
			csv(
				'\uFEFF名称,状态,位置,说明\n综治中心,规范保留,外挂标牌,统一标识\n老龄工作委员会,取消,室内门牌,\n村务公开制度,保留,上墙制度,\n'
			)
		);
		expect(problems).toEqual([]);
		expect(rows).toEqual([
			{ line: 2, name: '综治中心', status: 'kept', placement: 'exterior', text: '统一标识' },
			{ line: 3, name: '老龄工作委员会', status: 'cancelled', placement: 'interior', text: null },
			{ line: 4, name: '村务公开制度', status: 'kept', placement: 'wall', text: null }
		]);
	});

	it('accepts English headers in any order and case, and leaves the note alone when there is no such column', async () => {
		const { rows, problems } = await parseCatalogueFile(
			'signboard',
			csv('Placement,Name,Status\nexterior,Civic centre,Kept\nWALL,Duty roster,cancelled\n')
		);
		expect(problems).toEqual([]);
		expect(rows).toEqual([
			{ line: 2, name: 'Civic centre', status: 'kept', placement: 'exterior', text: undefined },
			{ line: 3, name: 'Duty roster', status: 'cancelled', placement: 'wall', text: undefined }
		]);
	});

	it('reads headers with asterisks, bracketed remarks and full-width spaces', async () => {
		const { rows, problems } = await parseCatalogueFile(
			'signboard',
			csv('名称*,"Status (取消/保留)",位置（外挂标牌/室内门牌/上墙制度）,备\u3000注\n综治中心,保留,外挂,\n')
		);
		expect(problems).toEqual([]);
		expect(rows).toEqual([{ line: 2, name: '综治中心', status: 'kept', placement: 'exterior', text: null }]);
	});

	it('reports every bad row with its line and reason', async () => {
		const text = [
			'名称,状态,位置,说明',
			'综治中心,规范保留,外挂标牌,', // 2 fine
			',取消,外挂标牌,', // 3 no name
			'双拥工作领导小组,撤销,外挂标牌,', // 4 unknown status
			'消费者协会联络站,取消,楼顶,', // 5 unknown placement
			'综治中心,取消,外挂标牌,', // 6 duplicate of line 2
			'老龄工作委员会,,,', // 7 no status, no placement
			'',
			'爱国卫生委员会,取消,室内门牌,' // 9 fine: blank line 8 skipped, lines still count
		].join('\n');
		const { problems, rows } = await parseCatalogueFile('signboard', csv(text));
		expect(problems).toEqual<CatalogueProblem[]>([
			{ line: 3, reason: 'missing_name' },
			{ line: 4, reason: 'unknown_status', detail: '撤销' },
			{ line: 5, reason: 'unknown_placement', detail: '楼顶' },
			{ line: 6, reason: 'duplicate_name', detail: '2' },
			{ line: 7, reason: 'missing_status' },
			{ line: 7, reason: 'missing_placement' }
		]);
		expect(rows.map((r) => r.line)).toEqual([2, 9]);
	});

	it('reports missing required columns on the header line', async () => {
		const { problems } = await parseCatalogueFile('signboard', csv('名称,说明\n综治中心,\n'));
		expect(problems).toEqual([
			{ line: 1, reason: 'missing_column', detail: 'status' },
			{ line: 1, reason: 'missing_column', detail: 'placement' }
		]);
	});

	it('refuses files that are not UTF-8, too big, empty or of another type', async () => {
		const gbk = { name: 'gbk.csv', bytes: new Uint8Array([0xc3, 0xfb, 0xb3, 0xc6, 0x0a]) };
		expect((await parseCatalogueFile('signboard', gbk)).problems).toEqual([{ line: 1, reason: 'not_utf8' }]);
		// A problem with the whole file, not a row, refuses the file.
		const big = { name: 'big.csv', bytes: new Uint8Array(CATALOGUE_MAX_FILE_BYTES + 1) };
		await expect(parseCatalogueFile('signboard', big)).rejects.toMatchObject({
			status: 413,
			problems: { file: { code: 'catalogue_file_too_big' } }
		});
		await expect(parseCatalogueFile('signboard', csv('名称,状态,位置\n'))).rejects.toMatchObject({
			problems: { file: { code: 'catalogue_file_empty' } }
		});
		await expect(parseCatalogueFile('signboard', csv('x', 'list.pdf'))).rejects.toMatchObject({
			problems: { file: { code: 'catalogue_file_unsupported', params: { file: 'list.pdf' } } }
		});
		await expect(parseCatalogueFile('signboard', csv('not a zip', 'list.xlsx'))).rejects.toMatchObject({
			problems: { file: { code: 'catalogue_file_unreadable' } }
		});
	});
});

describe('reading a certificate catalogue', () => {
	it('reads an XLSX sheet with Chinese headers, using row numbers as lines', async () => {
		const file = await xlsx([
			['名称', '状态', '依据'],
			['居住证明', '取消', null],
			['死亡证明', '保留', '《人口死亡医学证明和信息登记管理暂行办法》'],
			[null, null, null],
			['Proof of kinship', 'cancelled', 'No law requires it']
		]);
		const { rows, problems } = await parseCatalogueFile('certificate', file);
		expect(problems).toEqual([]);
		expect(rows).toEqual([
			{ line: 2, name: '居住证明', status: 'cancelled', placement: null, text: null },
			{
				line: 3,
				name: '死亡证明',
				status: 'retained',
				placement: null,
				text: '《人口死亡医学证明和信息登记管理暂行办法》'
			},
			{ line: 5, name: 'Proof of kinship', status: 'cancelled', placement: null, text: 'No law requires it' }
		]);
	});

	it('finds the header below a title row, as published lists have it, and ignores extra columns', async () => {
		const file = await xlsx([
			['某县村（社区）证明事项清单'],
			['序号', '证明事项名称', '状态', '设定依据'],
			['1', '居住证明', '取消', null]
		]);
		const { rows, problems } = await parseCatalogueFile('certificate', file);
		expect(problems).toEqual([]);
		expect(rows).toEqual([{ line: 3, name: '居住证明', status: 'cancelled', placement: null, text: null }]);
	});

	it('reports bad XLSX rows with their row numbers', async () => {
		const file = await xlsx([
			['name', 'status', 'basis'],
			['居住证明', 'cancelled', ''],
			['', 'retained', ''],
			['出生证明', 'maybe', ''],
			['居住证明', '保留', ''],
			['亲属关系证明', 12, '']
		]);
		const { problems } = await parseCatalogueFile('certificate', file);
		expect(problems).toEqual<CatalogueProblem[]>([
			{ line: 3, reason: 'missing_name' },
			{ line: 4, reason: 'unknown_status', detail: 'maybe' },
			{ line: 5, reason: 'duplicate_name', detail: '2' },
			{ line: 6, reason: 'unknown_status', detail: '12' }
		]);
	});

	it('does not take 规范保留 as a placement column requirement for certificates', async () => {
		const { problems } = await parseCatalogueFile('certificate', csv('名称,状态\n居住证明,规范保留\n'));
		expect(problems).toEqual([]);
	});
});
