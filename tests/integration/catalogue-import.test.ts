import type { ActionFailure } from '@sveltejs/kit';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
	CATALOGUE_MAX_FILE_BYTES,
	importCatalogue
} from '../../src/lib/server/registers/catalogue-import.service';
import {
	listCertificateItems,
	listSignboardCategories
} from '../../src/lib/server/registers/catalogues.service';
import { kickRebuilds } from '../../src/lib/server/trends/indicators.service';
import { actions } from '../../src/routes/(app)/admin/catalogues/+page.server';
import { callAction, makeEvent, useLocale } from '../helpers/event';
import { auditRows } from '../helpers/factories';
import { useScenario } from '../helpers/scenario';

useLocale('zh');

// Each test gets its own database, with an empty catalogue and no import audited. An import that
// changes a status rebuilds the trends in the background: that finishes before the database closes.
const s = useScenario(
	{ tree: false, users: { admin: 'admin' }, beforeClose: kickRebuilds },
	{ fresh: 'each' }
);
const { users } = s;

const csv = (text: string, name = 'list.csv') => ({ name, bytes: new TextEncoder().encode(text) });

async function xlsx(rows: (string | null)[][], name = 'list.xlsx') {
	const workbook = new ExcelJS.Workbook();
	const sheet = workbook.addWorksheet('Sheet1');
	for (const row of rows) sheet.addRow(row);
	return { name, bytes: new Uint8Array(await workbook.xlsx.writeBuffer()) };
}

async function counts() {
	const [plates, certs] = await Promise.all([listSignboardCategories(s.db), listCertificateItems(s.db)]);
	return { signboards: plates.length, certificates: certs.length };
}

describe('importing catalogues', () => {
	it('writes nothing from a CSV with one bad row among good ones', async () => {
		const outcome = await importCatalogue(
			s.db,
			'signboard',
			csv('名称,状态,位置\n综治中心,规范保留,外挂标牌\n老龄工作委员会,取消,楼顶\n'),
			users.admin.id
		);
		expect(outcome).toMatchObject({ ok: false, added: 0, updated: 0 });
		expect(outcome.problems).toEqual([{ line: 3, reason: 'unknown_placement', detail: '楼顶' }]);
		expect(await counts()).toEqual({ signboards: 0, certificates: 0 });
		expect(await auditRows(s.db, { action: 'catalogue.import' })).toHaveLength(0);
	});

	it('writes nothing from an XLSX with bad rows, and reports each one', async () => {
		const outcome = await importCatalogue(
			s.db,
			'certificate',
			await xlsx([
				['名称', '状态', '依据'],
				['居住证明', '取消', null],
				[null, '取消', '无名'],
				['亲属关系证明', '待定', null],
				['居住证明', '保留', null]
			]),
			users.admin.id
		);
		expect(outcome.ok).toBe(false);
		expect(outcome.problems).toEqual([
			{ line: 3, reason: 'missing_name' },
			{ line: 4, reason: 'unknown_status', detail: '待定' },
			{ line: 5, reason: 'duplicate_name', detail: '2' }
		]);
		expect(await counts()).toEqual({ signboards: 0, certificates: 0 });
	});

	it('adds a good list, and a re-import updates entries by name and brings back deactivated ones', async () => {
		const first = await importCatalogue(
			s.db,
			'signboard',
			csv('name,status,placement,note\n综治中心,kept,exterior,\n老龄工作委员会,cancelled,exterior,旧说明\n'),
			users.admin.id
		);
		expect(first).toMatchObject({ ok: true, added: 2, updated: 0, unchanged: 0 });
		await s.db
			.updateTable('signboard_categories')
			.set({ active: 0 })
			.where('name', '=', '老龄工作委员会')
			.execute();

		const second = await importCatalogue(
			s.db,
			'signboard',
			await xlsx([
				['名称', '状态', '位置', '说明'],
				['综治中心', '规范保留', '外挂标牌', null],
				['老龄工作委员会', '取消', '室内门牌', '新说明'],
				['村务公开制度', '保留', '上墙制度', null]
			]),
			users.admin.id
		);
		expect(second).toMatchObject({ ok: true, added: 1, updated: 1, unchanged: 1 });
		const rows = await listSignboardCategories(s.db);
		expect(
			rows.map(({ name, status, placement, note, active }) => ({ name, status, placement, note, active }))
		).toEqual(
			expect.arrayContaining([
				{ name: '综治中心', status: 'kept', placement: 'exterior', note: null, active: true },
				{ name: '老龄工作委员会', status: 'cancelled', placement: 'interior', note: '新说明', active: true },
				{ name: '村务公开制度', status: 'kept', placement: 'wall', note: null, active: true }
			])
		);
		const audits = await auditRows(s.db, { action: 'catalogue.import' });
		expect(audits).toHaveLength(2);
		expect(audits[1].user_id).toBe(users.admin.id);
		expect(JSON.parse(audits[1].changes!)).toMatchObject({ added: ['村务公开制度'], unchanged: 1 });
	});

	it('keeps the stored basis when the re-imported file has no basis column', async () => {
		await importCatalogue(
			s.db,
			'certificate',
			csv('名称,状态,依据\n死亡证明,保留,某办法第三条\n'),
			users.admin.id
		);
		const again = await importCatalogue(
			s.db,
			'certificate',
			csv('名称,状态\n死亡证明,取消\n'),
			users.admin.id
		);
		expect(again).toMatchObject({ ok: true, updated: 1 });
		const [item] = await listCertificateItems(s.db);
		expect(item).toMatchObject({ name: '死亡证明', status: 'cancelled', basis: '某办法第三条' });
	});
});

describe('the import form', () => {
	function upload(kind: string, file: { name: string; bytes: Uint8Array } | null): FormData {
		const form = new FormData();
		form.append('kind', kind);
		if (file) form.append('file', new File([new Uint8Array(file.bytes)], file.name));
		return form;
	}

	it('shows every bad row with its line and reason in Chinese', async () => {
		const result = (await callAction(
			actions.import,
			makeEvent({
				user: users.admin,
				url: '/admin/catalogues?/import',
				form: upload('signboard', csv('名称,状态,位置\n,取消,外挂标牌\n综治中心,撤销,外挂标牌\n'))
			})
		)) as ActionFailure<{
			form: { message: { failed: string; problems: { line: number; reason: string }[] } };
		}>;
		expect(result.status).toBe(400);
		expect(result.data.form.message.failed).toContain('2 个问题');
		expect(result.data.form.message.problems).toEqual([
			{ line: 2, reason: '名称为空。' },
			{ line: 3, reason: '无法识别状态“撤销”，应为：取消、规范保留。' }
		]);
		expect(await counts()).toEqual({ signboards: 0, certificates: 0 });
	});

	it('imports a good XLSX into the chosen catalogue', async () => {
		const file = await xlsx([
			['name', 'status', 'basis'],
			['居住证明', 'cancelled', null]
		]);
		const result = (await callAction(
			actions.import,
			makeEvent({ user: users.admin, url: '/admin/catalogues?/import', form: upload('certificate', file) })
		)) as { form: { message: { done: string } } };
		expect(result.form.message.done).toBe('导入完成：新增 1 条，更新 0 条，0 条无变化。');
		expect(await counts()).toEqual({ signboards: 0, certificates: 1 });
	});

	it('asks for a file, and refuses an unknown catalogue kind', async () => {
		const noFile = (await callAction(
			actions.import,
			makeEvent({ user: users.admin, url: '/admin/catalogues?/import', form: upload('signboard', null) })
		)) as ActionFailure<{ form: { errors: { file?: string[] } } }>;
		expect(noFile.status).toBe(400);
		expect(noFile.data.form.errors.file).toEqual(['请选择文件。']);
		// What a browser sends when nothing was chosen: an empty part with no file name.
		const emptyPart = (await callAction(
			actions.import,
			makeEvent({
				user: users.admin,
				url: '/admin/catalogues?/import',
				form: upload('signboard', { name: '', bytes: new Uint8Array() })
			})
		)) as ActionFailure<{ form: { errors: { file?: string[] } } }>;
		expect(emptyPart.status).toBe(400);
		expect(emptyPart.data.form.errors.file).toEqual(['请选择文件。']);
		const badKind = (await callAction(
			actions.import,
			makeEvent({
				user: users.admin,
				url: '/admin/catalogues?/import',
				form: upload('points', csv('名称,状态\n'))
			})
		)) as ActionFailure<unknown>;
		expect(badKind.status).toBe(400);
	});

	it('refuses a file it cannot take next to the file field, sends no file back, and writes nothing', async () => {
		type Refused = ActionFailure<{ form: { errors: { file?: string[] }; data: Record<string, unknown> } }>;
		const big = (await callAction(
			actions.import,
			makeEvent({
				user: users.admin,
				url: '/admin/catalogues?/import',
				form: upload('signboard', { name: 'big.csv', bytes: new Uint8Array(CATALOGUE_MAX_FILE_BYTES + 1) })
			})
		)) as Refused;
		expect(big.status).toBe(413);
		expect(big.data.form.errors.file).toEqual([`文件超过 ${CATALOGUE_MAX_FILE_BYTES / 1024 / 1024} MB。`]);
		expect(big.data.form.data).not.toHaveProperty('file');
		const pdf = (await callAction(
			actions.import,
			makeEvent({
				user: users.admin,
				url: '/admin/catalogues?/import',
				form: upload('signboard', csv('x', 'list.pdf'))
			})
		)) as Refused;
		expect(pdf.status).toBe(400);
		expect(pdf.data.form.errors.file).toEqual(['只支持 .xlsx 和 .csv 文件。']);
		expect(pdf.data.form.data).not.toHaveProperty('file');
		expect(await counts()).toEqual({ signboards: 0, certificates: 0 });
	});
});
