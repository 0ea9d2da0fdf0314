import { isHttpError, isRedirect, type ActionFailure } from '@sveltejs/kit';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PublicUser } from '../../src/lib/domain/roles';
import { importDivisions, type ImportProblem } from '../../src/lib/server/regions/division-import';
import { actions, load } from '../../src/routes/(app)/admin/import/+page.server';
import { divisionCsv, divisionRow, goodUpload } from '../helpers/divisions';
import { callAction, callLoad, makeEvent, thrownBy, useLocale } from '../helpers/event';
import { auditRows, countRows } from '../helpers/factories';
import { useScenario } from '../helpers/scenario';

useLocale('zh');

// Each test gets its own database; one that needs earlier imports makes them itself.
const s = useScenario({ tree: false, users: { admin: 'admin' } }, { fresh: 'each' });
const { users } = s;

type Upload = { name: string; text: string }[];

/** The good upload with one more raw line appended to one of its files. */
function withLine(file: string, line: string): Upload {
	return goodUpload().map((f) => (f.name === file ? { ...f, text: f.text + line + '\n' } : f));
}

/** The good upload renamed in two places, with one more village in a file of its own. */
function renamedUpload(): Upload {
	const files = goodUpload({ '6401': '银川市（新）', '640104001001': '满春社区' });
	files.push(divisionCsv('villages', [divisionRow('villages', '640104001003', '新华村委会')]));
	files[files.length - 1].name = 'more-villages.csv';
	return files;
}

/** A street under the good upload's county. */
const newStreet = () => [divisionCsv('streets', [divisionRow('streets', '640104002', '丽景街街道')])];

/** The first `count` of the imports the tests of "importing divisions" make in turn. */
async function imported(count = 3): Promise<void> {
	for (const files of [goodUpload(), renamedUpload(), newStreet()].slice(0, count))
		expect((await importDivisions(s.db, files, users.admin.id)).ok).toBe(true);
}

async function regionNames(): Promise<Record<string, string>> {
	const rows = await s.db.selectFrom('regions').select(['code', 'name']).execute();
	return Object.fromEntries(rows.map((r) => [r.code, r.name]));
}

describe('importing divisions', () => {
	const badUploads: { what: string; files: Upload; problem: ImportProblem }[] = [
		{
			what: 'an unrecognised header',
			files: [...goodUpload(), { name: 'towns.csv', text: 'id,title\n640104002,"丽景街街道"\n' }],
			problem: { file: 'towns.csv', line: 1, reason: 'bad_header' }
		},
		{
			what: 'a row with too few columns',
			files: withLine('villages.csv', '640104001003,"新华村委会",640104001,64'),
			problem: { file: 'villages.csv', line: 4, reason: 'wrong_columns', code: '640104001003' }
		},
		{
			what: 'a code of the wrong length',
			files: withLine('cities.csv', '640,"吴忠市",64'),
			problem: { file: 'cities.csv', line: 3, reason: 'malformed_code', code: '640' }
		},
		{
			what: 'a code not under its parent column',
			files: withLine('areas.csv', '640205,"大武口区",6401,64'),
			problem: { file: 'areas.csv', line: 3, reason: 'malformed_code', code: '640205', detail: '6401' }
		},
		{
			what: 'an unknown parent',
			files: withLine('streets.csv', '640105001,"朔方路街道",640105,64,6401'),
			problem: { file: 'streets.csv', line: 3, reason: 'unknown_parent', code: '640105001', detail: '640105' }
		},
		{
			what: 'a duplicate code',
			files: withLine('villages.csv', divisionRow('villages', '640104001001', '满春社区')),
			problem: {
				file: 'villages.csv',
				line: 4,
				reason: 'duplicate',
				code: '640104001001',
				detail: 'villages.csv:2'
			}
		},
		{
			what: 'an empty name',
			files: withLine('cities.csv', '6402,"",64'),
			problem: { file: 'cities.csv', line: 3, reason: 'empty_name', code: '6402' }
		}
	];

	it.each(badUploads.map((c) => [c.what, c] as const))(
		'reports %s with its file and line, and writes none of the upload',
		async (_what, { files, problem }) => {
			const regionsBefore = await countRows(s.db, 'regions');
			const auditBefore = await countRows(s.db, 'audit_log');
			const outcome = await importDivisions(s.db, files, users.admin.id);
			expect(outcome).toEqual({ ok: false, problems: [problem], added: 0, renamed: 0 });
			expect(await countRows(s.db, 'regions')).toBe(regionsBefore);
			expect(await countRows(s.db, 'audit_log')).toBe(auditBefore);
		}
	);

	it('writes every row of a good upload, with one audit row', async () => {
		const outcome = await importDivisions(s.db, goodUpload(), users.admin.id);
		expect(outcome).toEqual({ ok: true, problems: [], added: 6, renamed: 0 });
		const rows = await s.db.selectFrom('regions').selectAll().orderBy('code').execute();
		expect(rows).toEqual([
			{ code: '64', parent_code: null, level: 1, name: '宁夏回族自治区' },
			{ code: '6401', parent_code: '64', level: 2, name: '银川市' },
			{ code: '640104', parent_code: '6401', level: 3, name: '兴庆区' },
			{ code: '640104001', parent_code: '640104', level: 4, name: '凤凰北街街道' },
			{ code: '640104001001', parent_code: '640104001', level: 5, name: '满春社区居委会' },
			{ code: '640104001002', parent_code: '640104001', level: 5, name: '红花村委会' }
		]);
		const audit = await auditRows(s.db, { action: 'regions.import' });
		expect(audit).toHaveLength(1);
		expect(audit[0]).toMatchObject({ user_id: users.admin.id, entity_type: 'region' });
		expect(JSON.parse(audit[0].changes!)).toEqual({
			files: ['provinces.csv', 'cities.csv', 'areas.csv', 'streets.csv', 'villages.csv'],
			added: 6,
			renamed: []
		});
	});

	it('renames regions whose name changed on re-import and adds the new ones', async () => {
		await imported(1);
		const outcome = await importDivisions(s.db, renamedUpload(), users.admin.id);
		expect(outcome).toEqual({ ok: true, problems: [], added: 1, renamed: 2 });
		expect(await regionNames()).toMatchObject({
			'6401': '银川市（新）',
			'640104001001': '满春社区',
			'640104001003': '新华村委会',
			'64': '宁夏回族自治区'
		});
		expect(await countRows(s.db, 'regions')).toBe(7);
		const audit = await auditRows(s.db, { action: 'regions.import' });
		expect(audit).toHaveLength(2);
		expect(JSON.parse(audit[1].changes!).renamed).toEqual([
			{ code: '6401', from: '银川市', to: '银川市（新）' },
			{ code: '640104001001', from: '满春社区居委会', to: '满春社区' }
		]);
	});

	it('hangs a new file under regions already in the database', async () => {
		await imported(2);
		const outcome = await importDivisions(s.db, newStreet(), users.admin.id);
		expect(outcome).toMatchObject({ ok: true, added: 1, renamed: 0 });
		const row = await s.db
			.selectFrom('regions')
			.selectAll()
			.where('code', '=', '640104002')
			.executeTakeFirst();
		expect(row).toEqual({ code: '640104002', parent_code: '640104', level: 4, name: '丽景街街道' });
	});

	it('keeps the old names when a re-import with renames also has a bad row', async () => {
		await imported(3);
		const before = await regionNames();
		const files = goodUpload({ '640104': '兴庆区（改）' });
		files[1].text += '6402,"",64\n';
		const outcome = await importDivisions(s.db, files, users.admin.id);
		expect(outcome.ok).toBe(false);
		expect(outcome.problems.map((p) => p.reason)).toEqual(['empty_name']);
		expect(await regionNames()).toEqual(before);
		expect(await auditRows(s.db, { action: 'regions.import' })).toHaveLength(3);
	});
});

describe('the admin import page', () => {
	// The regions the imports above leave behind.
	beforeEach(() => imported());

	const reviewer: PublicUser = {
		id: 9001,
		username: 'r',
		name: 'r',
		role: 'reviewer',
		regionCode: '640104',
		pointId: null,
		mustChangePassword: false
	};

	function uploadForm(files: Upload): FormData {
		const form = new FormData();
		for (const f of files) form.append('files', new File([f.text], f.name, { type: 'text/csv' }));
		return form;
	}

	function failure(result: unknown, status: number) {
		const f = result as ActionFailure<{
			form: {
				message: {
					failed: string;
					problems: { file: string; line: number; code: string; reason: string }[];
					more: number;
				};
				errors: { files?: { _errors?: string[] } };
			};
		}>;
		expect(f.status).toBe(status);
		return f.data.form;
	}

	it('lists every problem of a bad upload in Chinese, with file and line, and writes nothing', async () => {
		const regionsBefore = await countRows(s.db, 'regions');
		const auditBefore = await countRows(s.db, 'audit_log');
		const files = goodUpload();
		files[1].text += '6402,"",64\n6403,"吴忠市"\n';
		files[2].text += '640205,"大武口区",6401,64\n';
		files.push({ name: 'towns.csv', text: 'id;title\n' });
		files.push(divisionCsv('streets', [divisionRow('streets', '640105001', '朔方路街道')]));
		files[files.length - 1].name = 'more-streets.csv';

		const result = await callAction(
			actions.default,
			makeEvent({ user: users.admin, form: uploadForm(files), url: '/admin/import' })
		);
		const data = failure(result, 400);
		expect(data.message.failed).toBe('发现 5 个问题，未写入任何数据。请修正后重新上传。');
		const byPlace = (a: { file: string; line: number }, b: { file: string; line: number }) =>
			a.file.localeCompare(b.file) || a.line - b.line;
		expect([...data.message.problems].sort(byPlace)).toEqual([
			{ file: 'areas.csv', line: 3, code: '640205', reason: '代码与上级代码 6401 不对应。' },
			{ file: 'cities.csv', line: 3, code: '6402', reason: '名称为空。' },
			{ file: 'cities.csv', line: 4, code: '6403', reason: '列数与表头不一致。' },
			{ file: 'more-streets.csv', line: 2, code: '640105001', reason: '上级区划 640105 不存在。' },
			{ file: 'towns.csv', line: 1, code: '', reason: '无法识别表头，应为 code,name 及上级代码列。' }
		]);
		expect(data.message.more).toBe(0);
		expect(await countRows(s.db, 'regions')).toBe(regionsBefore);
		expect(await countRows(s.db, 'audit_log')).toBe(auditBefore);
	});

	it('describes a malformed code and a duplicate in words', async () => {
		const files = withLine('cities.csv', '640,"吴忠市",64');
		files[4].text += divisionRow('villages', '640104001001', '满春') + '\n';
		const data = failure(
			await callAction(actions.default, makeEvent({ user: users.admin, form: uploadForm(files) })),
			400
		);
		expect(data.message.problems).toEqual([
			{ file: 'cities.csv', line: 3, code: '640', reason: '代码格式错误（位数与层级不符或含非数字）。' },
			{
				file: 'villages.csv',
				line: 4,
				code: '640104001001',
				reason: '代码重复（首次出现于 villages.csv:2）。'
			}
		]);
	});

	it('asks for a file when none was chosen', async () => {
		const form = new FormData();
		form.append('files', new File([], ''));
		const data = failure(await callAction(actions.default, makeEvent({ user: users.admin, form })), 400);
		expect(data.errors.files?._errors).toEqual(['请选择至少一个 CSV 文件。']);
	});

	it('imports a good upload and says how many regions were added and renamed', async () => {
		const files = [
			divisionCsv('areas', [divisionRow('areas', '640105', '西夏区')]),
			divisionCsv('streets', [divisionRow('streets', '640105001', '朔方路街道')])
		];
		const auditBefore = await auditRows(s.db, { action: 'regions.import' });
		const result = await callAction(
			actions.default,
			makeEvent({ user: users.admin, form: uploadForm(files) })
		);
		expect((result as { form: { message: unknown } }).form.message).toEqual({
			done: '导入完成：新增 2 个区划，更新名称 0 个。'
		});
		expect(await regionNames()).toMatchObject({ '640105': '西夏区', '640105001': '朔方路街道' });
		const after = await auditRows(s.db, { action: 'regions.import' });
		expect(after).toHaveLength(auditBefore.length + 1);
		expect(after.at(-1)!.user_id).toBe(users.admin.id);
	});

	it('answers 404 to anyone but an admin, and imports nothing for them', async () => {
		const regionsBefore = await countRows(s.db, 'regions');
		const files = [divisionCsv('areas', [divisionRow('areas', '640106', '金凤区')])];
		expect(isHttpError(await thrownBy(() => callLoad(load, makeEvent({ user: reviewer }))), 404)).toBe(true);
		const e = await thrownBy(() =>
			callAction(actions.default, makeEvent({ user: reviewer, form: uploadForm(files) }))
		);
		expect(isHttpError(e, 404)).toBe(true);
		expect(await countRows(s.db, 'regions')).toBe(regionsBefore);
		expect(await callLoad(load, makeEvent({ user: users.admin }))).toEqual({
			form: expect.objectContaining({ data: { files: [] } })
		});
	});

	it('sends a signed-out visitor to sign in', async () => {
		const e = await thrownBy(() =>
			callAction(actions.default, makeEvent({ form: new FormData(), url: '/admin/import' }))
		);
		expect(isRedirect(e) && e.location).toBe('/login?redirectTo=%2Fadmin%2Fimport');
	});
});
