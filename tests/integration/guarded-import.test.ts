// Imports read uploads through the guarded reader: no file shape exhausts memory or holds the
// event loop, and text that is not clean UTF-8 is refused with its line before anything is written.
import { isRedirect, type ActionFailure } from '@sveltejs/kit';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
	CATALOGUE_LIMITS,
	readCsv,
	readXlsx,
	REGION_LIMITS,
	REGION_MAX_NAME
} from '../../src/lib/server/imports/guarded-reader';
import { importDivisions } from '../../src/lib/server/regions/division-import';
import { importCatalogue } from '../../src/lib/server/registers/catalogue-import.service';
import { listSignboardCategories } from '../../src/lib/server/registers/catalogues.service';
import { actions as importActions } from '../../src/routes/(app)/admin/import/+page.server';
import * as loginPage from '../../src/routes/login/+page.server';
import { goodUpload, headers } from '../helpers/divisions';
import { callAction, makeEvent, thrownBy, useLocale } from '../helpers/event';
import { countRows } from '../helpers/factories';
import { useScenario } from '../helpers/scenario';

useLocale('zh');

const s = useScenario({ tree: false, users: { admin: 'admin' } }, { fresh: 'all' });
const { users } = s;
beforeAll(async () => {
	expect((await importDivisions(s.db, goodUpload(), users.admin.id)).ok).toBe(true);
});

const MB = 1024 * 1024;
const bytesOf = (...parts: (string | number[])[]) =>
	new Uint8Array(
		Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))))
	);

async function regionNames(): Promise<Record<string, string>> {
	const rows = await s.db.selectFrom('regions').select(['code', 'name']).execute();
	return Object.fromEntries(rows.map((r) => [r.code, r.name]));
}

/** 2,500 catalogue rows, with one value in the sheet's last column (XFD) on the header row. */
async function wideXlsx() {
	const workbook = new ExcelJS.Workbook();
	const sheet = workbook.addWorksheet('Sheet1');
	sheet.addRow(['名称', '状态', '位置']);
	for (let i = 2; i <= 2500; i++) sheet.addRow([`综治中心${i}`, '保留', '外挂标牌']);
	sheet.getCell('XFD1').value = 'x';
	return { name: 'wide.xlsx', bytes: new Uint8Array(await workbook.xlsx.writeBuffer()) };
}

/** Until `done` settles: the longest a setTimeout(0) waited, and the heap at its highest. */
async function probe(done: Promise<unknown>) {
	let settled = false;
	void done.finally(() => (settled = true));
	let maxLag = 0;
	let peakHeap = process.memoryUsage().heapUsed;
	while (!settled) {
		const t = performance.now();
		await new Promise((resolve) => setTimeout(resolve, 0));
		maxLag = Math.max(maxLag, performance.now() - t);
		peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
	}
	return { maxLag, peakHeap };
}

describe('a workbook shaped to exhaust the server', () => {
	it('is refused quickly at the column cap, in little memory, while others are still served', async () => {
		const file = await wideXlsx();
		expect(file.bytes.byteLength).toBeLessThan(100 * 1024);
		const heapBefore = process.memoryUsage().heapUsed;
		const started = performance.now();
		const importing = importCatalogue(s.db, 'signboard', file, users.admin.id);
		const signingIn = (async () => {
			const t = performance.now();
			const e = await thrownBy(() =>
				callAction(
					loginPage.actions.default,
					makeEvent({
						form: { username: users.admin.username, password: users.admin.password },
						url: '/login'
					})
				)
			);
			expect(isRedirect(e)).toBe(true);
			return performance.now() - t;
		})();
		const [outcome, signInMs, { maxLag, peakHeap }] = await Promise.all([
			importing,
			signingIn,
			probe(importing)
		]);

		expect(outcome).toMatchObject({ ok: false, added: 0 });
		expect(outcome.problems).toEqual([
			{ line: 1, column: 16384, reason: 'too_many_columns', detail: String(CATALOGUE_LIMITS.maxColumns) }
		]);
		expect(performance.now() - started).toBeLessThan(5000);
		expect(peakHeap - heapBefore).toBeLessThan(200 * MB);
		expect(maxLag).toBeLessThan(1000);
		expect(signInMs).toBeLessThan(1000);
		expect(await listSignboardCategories(s.db)).toEqual([]);
	});

	it('is refused when a part inflates past its cap, whatever size the zip declares', async () => {
		const workbook = new ExcelJS.Workbook();
		const sheet = workbook.addWorksheet('Sheet1');
		sheet.addRow(['名称', '状态', '位置']);
		sheet.addRow(['a'.repeat(CATALOGUE_LIMITS.maxPartBytes + 1), '保留', '外挂标牌']);
		const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
		expect(bytes.byteLength).toBeLessThan(CATALOGUE_LIMITS.maxBytes);
		// Declare every entry tiny in the central directory: the inflating itself must stop.
		const view = new DataView(bytes.buffer);
		for (let i = 0; i + 4 <= bytes.byteLength; i++) {
			if (view.getUint32(i, true) === 0x02014b50) view.setUint32(i + 24, 100, true);
		}
		// A problem with the whole file refuses the file, naming the cap.
		await expect(
			importCatalogue(s.db, 'signboard', { name: 'bomb.xlsx', bytes }, users.admin.id)
		).rejects.toMatchObject({
			problems: {
				file: { code: 'catalogue_file_part_too_big', params: { mb: CATALOGUE_LIMITS.maxPartBytes / MB } }
			}
		});
	});
});

describe('a large workbook of Chinese text', () => {
	it("reads every character back exactly (exceljs's stream split UTF-8 at chunk boundaries)", async () => {
		const wb = new ExcelJS.Workbook();
		const sheet = wb.addWorksheet('证明事项');
		sheet.addRow(['名称', '状态', '依据']);
		const basis = '依据《中华人民共和国行政许可法》及本省证明事项清理规定，'.repeat(30);
		for (let i = 0; i < 300; i++)
			sheet.addRow([`第${i + 1}项证明`, i % 2 ? '取消' : '保留', `${basis}（${i}）`]);
		const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
		const read = await readXlsx(bytes, CATALOGUE_LIMITS);
		expect(read.problem).toBeUndefined();
		expect(read.rows).toHaveLength(301);
		for (const [i, row] of read.rows!.slice(1).entries()) expect(row.cells[2]).toBe(`${basis}（${i}）`);
	});
});

describe('a catalogue CSV with a NUL, an overlong name or too many columns', () => {
	it.each([
		[
			'a line of 100,000 commas',
			`名称,状态,位置\n综治中心,保留,外挂标牌${','.repeat(100_000)}\n`,
			{ line: 2, column: CATALOGUE_LIMITS.maxColumns + 1, reason: 'too_many_columns', detail: '50' }
		],
		[
			'a NUL',
			'名称,状态,位置\n综治中心,保留,外挂标牌\n老龄\u0000委员会,取消,外挂标牌\n',
			{ line: 3, reason: 'control_char' }
		],
		[
			'a 10,000-character name',
			`名称,状态,位置\n${'综'.repeat(10_000)},保留,外挂标牌\n`,
			{ line: 2, column: 1, reason: 'cell_too_long', detail: String(CATALOGUE_LIMITS.maxCellChars) }
		]
	])('refuses %s, naming the line, and writes nothing', async (_what, text, problem) => {
		const outcome = await importCatalogue(
			s.db,
			'signboard',
			{ name: 'list.csv', bytes: bytesOf(text) },
			users.admin.id
		);
		expect(outcome).toMatchObject({ ok: false, added: 0 });
		expect(outcome.problems).toEqual([problem]);
		expect(await listSignboardCategories(s.db)).toEqual([]);
	});
});

describe('a large CSV', () => {
	it('is read in chunks that leave the event loop free', async () => {
		const lines: string[] = [headers.cities];
		for (let i = 0; i < 100_000; i++) lines.push(`${6400 + (i % 99)},"某某市${i}",64`);
		const bytes = bytesOf(lines.join('\n') + '\n');
		const reading = readCsv(bytes, REGION_LIMITS);
		const [read, { maxLag }] = await Promise.all([reading, probe(reading)]);
		expect(read.rows).toHaveLength(100_001);
		expect(read.rows!.at(-1)).toEqual({ line: 100_001, cells: ['6409', '某某市99999', '64'] });
		expect(maxLag).toBeLessThan(250);
	});
});

describe('a region CSV that is not clean text', () => {
	function form(name: string, bytes: Uint8Array) {
		const data = new FormData();
		data.append('files', new File([new Uint8Array(bytes)], name, { type: 'text/csv' }));
		return data;
	}

	async function upload(name: string, bytes: Uint8Array) {
		const result = await callAction(
			importActions.default,
			makeEvent({ user: users.admin, form: form(name, bytes), url: '/admin/import' })
		);
		const f = result as ActionFailure<{
			form: {
				message: { failed: string; problems: { file: string; line: number; code: string; reason: string }[] };
			};
		}>;
		expect(f.status).toBe(400);
		return f.data.form.message.problems;
	}

	it('refuses invalid UTF-8 naming the line of the first bad byte, and renames nothing', async () => {
		const before = await regionNames();
		const auditBefore = await countRows(s.db, 'audit_log');
		// Line 2 renames 6401; line 3 has a name in GBK (吴忠), which is not UTF-8.
		const bytes = bytesOf(
			`${headers.cities}\n6401,"银川市（新）",64\n6402,"`,
			[0xce, 0xe2, 0xd6, 0xd2],
			'",64\n'
		);
		expect(await upload('cities.csv', bytes)).toEqual([
			{
				file: 'cities.csv',
				line: 3,
				code: '',
				reason: '文件不是 UTF-8 编码（自本行起），请另存为“CSV UTF-8”。'
			}
		]);
		expect(await regionNames()).toEqual(before);
		expect(await countRows(s.db, 'audit_log')).toBe(auditBefore);
	});

	it.each([
		['a NUL', `6402,"石嘴\u0000山市",64`, '含有控制字符（如 NUL 或单元格内换行）或无效字符。'],
		[
			'a line break inside a name',
			`6402,"石嘴\n山市",64`,
			'含有控制字符（如 NUL 或单元格内换行）或无效字符。'
		],
		[
			'a 10,000-character name',
			`6402,"${'石'.repeat(10_000)}",64`,
			`第 2 列的内容超过 ${REGION_LIMITS.maxCellChars} 个字符。`
		],
		[
			'a name over the name limit',
			`6402,"${'石'.repeat(REGION_MAX_NAME + 1)}",64`,
			`名称超过 ${REGION_MAX_NAME} 个字符。`
		]
	])('refuses %s with a 400 naming the line, and writes nothing', async (_what, line, reason) => {
		const before = await regionNames();
		const text = `${headers.cities}\n6401,"银川市（新）",64\n${line}\n`;
		const problems = await upload('cities.csv', bytesOf(text));
		expect(problems).toHaveLength(1);
		expect(problems[0]).toMatchObject({ file: 'cities.csv', line: 3, reason });
		expect(await regionNames()).toEqual(before);
	});

	it('refuses the same through the service when the text was decoded lossily elsewhere', async () => {
		const before = await regionNames();
		const text = `${headers.cities}\n6401,"银川市（新）",64\n6402,"\uFFFD\uFFFD",64\n`;
		const outcome = await importDivisions(s.db, [{ name: 'cities.csv', text }], users.admin.id);
		expect(outcome).toEqual({
			ok: false,
			problems: [{ file: 'cities.csv', line: 3, reason: 'not_utf8' }],
			added: 0,
			renamed: 0
		});
		expect(await regionNames()).toEqual(before);
	});
});
