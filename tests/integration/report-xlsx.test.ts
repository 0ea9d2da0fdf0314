// The quarterly report's workbook and CSV, read back from a known data set: the sheets and their
// headers, numbers as numbers and dates as dates, the frozen header and the filters, and user
// text that looks like a formula kept as plain text.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allItems } from '../../src/lib/domain/checklist';
import { addSecondment } from '../../src/lib/server/registers/secondments.service';
import { addSignboard } from '../../src/lib/server/registers/signboards.service';
import { recordCertificateCount } from '../../src/lib/server/registers/certificates.service';
import { reportCsv } from '../../src/lib/server/reports/report-csv';
import { loadReportData, type ReportData } from '../../src/lib/server/reports/report-data';
import { writeReportXlsx } from '../../src/lib/server/reports/report-xlsx';
import { newUser } from '../helpers/factories';
import { newCertificateItem, newSignboardCategory } from '../helpers/registers';
import { meetingsDefinition, PLACE_POINTS, QUARTERS_2025, sent, useScenario } from '../helpers/scenario';

const definition = meetingsDefinition(
	[
		{ key: 'meetings_attended', label: '本季度参加了几次会议？' },
		{ key: 'new_group', kind: 'yes_no', label: '有没有新建工作群？', required: false },
		{
			key: 'kinds',
			kind: 'multi',
			label: '接受了哪些督查？',
			required: false,
			options: [
				{ value: 'supervision', label: '督查' },
				{ value: 'inspection', label: '检查' },
				{ value: 'evaluation', label: '考核' }
			]
		}
	],
	{
		sections: [
			{
				key: 'details',
				title: '补充',
				items: [
					{ key: 'visited_on', kind: 'date', label: '最近一次督查是哪天？', required: false },
					{ key: 'remark', kind: 'short_text', label: '备注', required: false },
					{ key: 'heaviest_burden', kind: 'long_text', label: '最重的新负担是什么？', required: false }
				]
			}
		]
	}
);

const HYPERLINK = '=HYPERLINK("http://evil","x")';
const AT_SUM = '@SUM(1)';
const STORY = '他说"表格太多了"，\n一周三张，还有,逗号😀';

const onTimeQ2 = { at: new Date('2025-07-05T01:00:00Z') };
const answers = {
	village: [
		sent({ meetings_attended: 10, data_requests: 4 }, onTimeQ2),
		sent(
			{
				meetings_attended: 3,
				data_requests: 1,
				new_group: false,
				kinds: ['supervision', 'inspection'],
				visited_on: '2025-08-15',
				remark: HYPERLINK,
				heaviest_burden: STORY
			},
			{ at: new Date('2025-10-08T01:00:00Z') }
		)
	],
	community: [
		sent({ meetings_attended: 8, data_requests: 4 }, onTimeQ2),
		// Late: due 10 October, sent on the 15th at 10:30 China time.
		sent(
			{ meetings_attended: 6, data_requests: 2, new_group: true, remark: AT_SUM },
			{ at: new Date('2025-10-15T02:30:00Z') }
		)
	]
};

const scenario = useScenario(
	{
		points: PLACE_POINTS,
		definition,
		quarters: QUARTERS_2025.slice(1),
		roundName: (q) => q.period.replace(/^(\d{4})-Q(\d)$/, '$1年第$2季度'),
		answers,
		closeRounds: [0, 1]
	},
	{ fresh: 'all' }
);
const { tree, points } = scenario;

let data: ReportData;
let dir: string;
let file: string;
let book: ExcelJS.Workbook;
const shares: number[] = [];

beforeAll(async () => {
	const db = scenario.db;
	const { village, community } = points;
	const category = await newSignboardCategory(db, { name: '综治中心', status: 'kept' });
	const plate = await addSignboard(
		db,
		null,
		village.id,
		{ text: '+综治中心', categoryId: category, placement: null, department: null, hungOn: '2025-05-01' },
		'2025-11-01'
	);
	expect(plate.id).toEqual(expect.any(Number));
	const seconded = await addSecondment(
		db,
		null,
		community.id,
		{
			personName: '张三',
			post: '文书',
			borrowingUnit: '区委办公室',
			startDate: '2025-06-01',
			expectedEnd: '2025-09-30',
			approved: false,
			approvalRef: null
		},
		'2025-11-01'
	);
	expect(seconded.id).toEqual(expect.any(Number));
	const item = await newCertificateItem(db, { name: '无犯罪记录证明', status: 'cancelled' });
	const count = await recordCertificateCount(
		db,
		null,
		village.id,
		{ itemId: item, periodKind: 'quarter', period: '2025-Q3', issued: 2 },
		'2025-11-01'
	);
	expect(count).toEqual({ violation: true });

	const analyst = await newUser(db, 'analyst', tree.province);
	data = await loadReportData(db, analyst, {
		regionCode: tree.city,
		quarter: '2025-Q3',
		issuedOn: '2025-11-05'
	});
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jfgc-xlsx-'));
	file = path.join(dir, 'report.xlsx');
	await writeReportXlsx(data, file, { onProgress: (s) => shares.push(s) });
	book = new ExcelJS.Workbook();
	await book.xlsx.readFile(file);
});
afterAll(async () => {
	fs.rmSync(dir, { recursive: true, force: true });
});

const sheet = (name: string) => {
	const s = book.getWorksheet(name);
	if (!s) throw new Error(`no sheet ${name}`);
	return s;
};
const rowValues = (s: ExcelJS.Worksheet, r: number) => (s.getRow(r).values as ExcelJS.CellValue[]).slice(1);
/** The first row whose column `col` holds `text`. */
function findRow(s: ExcelJS.Worksheet, col: number, text: string): ExcelJS.Row {
	for (let r = 1; r <= s.rowCount; r++) if (s.getRow(r).getCell(col).value === text) return s.getRow(r);
	throw new Error(`no row with ${text} in ${s.name}`);
}

const FIXED = ['区县', '乡镇街道', '观测点', '区划代码', '轮次', '状态', '是否逾期', '提交时间', '审核时间'];
const ITEM_LABELS = allItems(definition).map((i) => i.label);

describe('the report workbook', () => {
	it('has the eight sheets, named in Chinese', () => {
		expect(book.worksheets.map((s) => s.name)).toEqual([
			'汇总',
			'分地区指标',
			'反弹点位',
			'填报明细',
			'标牌台账',
			'证明事项',
			'借调人员',
			'逾期和未报'
		]);
	});

	it('lists each flagged point once, with its indicators and why', () => {
		const s = sheet('反弹点位');
		expect(rowValues(s, 1)).toEqual([
			'区县',
			'乡镇街道',
			'观测点',
			'区划代码',
			'判定',
			'涉及指标',
			'判定依据'
		]);
		const rows = [];
		for (let i = 2; i <= s.rowCount; i++) rows.push(rowValues(s, i) as string[]);
		expect(rows.map((r) => r[2])).toEqual([...new Set(rows.map((r) => r[2]))]);
		// The village issued a cancelled certificate this quarter: a rebound at once.
		expect(rows).toEqual([
			[
				'兴庆区',
				'凤凰北街街道',
				'红花村委会',
				'640104001001',
				'反弹',
				'开具已取消的证明',
				'开具已取消的证明：取消事项再次出现：本期 2 份，减负后最少为 0 份；取消事项出现即为反弹。'
			]
		]);
	});

	it('freezes and filters the header row of every sheet', async () => {
		for (const s of book.worksheets) {
			const view = s.views[0] as ExcelJS.WorksheetViewFrozen;
			expect(view.state, s.name).toBe('frozen');
			const header = s.name === '汇总' ? findRow(s, 1, '指标').number : 1;
			expect(view.ySplit, s.name).toBe(header);
			expect(s.autoFilter, s.name).toBeTruthy();
			const ref = JSON.stringify(s.autoFilter);
			expect(ref, s.name).toContain(`A${header}`);
			expect(s.getRow(header).getCell(1).font?.bold, s.name).toBe(true);
		}
		// LibreOffice shows the filter buttons only when the workbook also names each range.
		// (exceljs reads back one name per name, so look at the workbook part itself.)
		const zip = await JSZip.loadAsync(fs.readFileSync(file));
		const workbookXml = await zip.file('xl/workbook.xml')!.async('string');
		const names = [...workbookXml.matchAll(/name="_xlnm._FilterDatabase" localSheetId="(\d)"/g)];
		expect(names.map((n) => n[1])).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
	});

	it('gives every submission a row with every answer, one column per item', () => {
		const s = sheet('填报明细');
		expect(rowValues(s, 1)).toEqual([...FIXED, ...ITEM_LABELS]);
		// The quarter's round only: the Q2 answers belong to another report.
		expect(s.rowCount).toBe(1 + 2);
		const col = (label: string) => [...FIXED, ...ITEM_LABELS].indexOf(label) + 1;

		const q3 = (pointName: string) => {
			for (let r = 2; r <= s.rowCount; r++) {
				const row = s.getRow(r);
				if (row.getCell(3).value === pointName && row.getCell(5).value === '2025年第3季度') return row;
			}
			throw new Error(`no row for ${pointName}`);
		};
		const red = q3('红花村委会');
		expect(rowValues(s, red.number).slice(0, 7)).toEqual([
			'兴庆区',
			'凤凰北街街道',
			'红花村委会',
			tree.village,
			'2025年第3季度',
			'已通过',
			'否'
		]);
		const meetings = red.getCell(col('本季度参加了几次会议？'));
		expect(meetings.type).toBe(ExcelJS.ValueType.Number);
		expect(meetings.value).toBe(3);
		expect(red.getCell(col('有没有新建工作群？')).value).toBe('否');
		expect(red.getCell(col('接受了哪些督查？')).value).toBe('督查、检查');
		expect(red.getCell(col('最近一次督查是哪天？')).value).toEqual(new Date('2025-08-15T00:00:00Z'));
		expect(red.getCell(col('最重的新负担是什么？')).value).toBe(STORY);
		// Submitted at 01:00 UTC is 09:00 in China.
		expect(red.getCell(8).value).toEqual(new Date('2025-10-08T09:00:00Z'));
		expect(red.getCell(8).numFmt).toBe('yyyy-mm-dd hh:mm');

		const late = q3('满春社区居委会');
		expect(late.getCell(7).value).toBe('是');
		expect(late.getCell(col('有没有新建工作群？')).value).toBe('是');
		expect(late.getCell(col('接受了哪些督查？')).value).toBeNull();
	});

	it('keeps formula-like answers and register text as plain text', () => {
		const s = sheet('填报明细');
		const col = [...FIXED, ...ITEM_LABELS].indexOf('备注') + 1;
		const texts: ExcelJS.Cell[] = [];
		for (let r = 2; r <= s.rowCount; r++) {
			const cell = s.getRow(r).getCell(col);
			if (cell.value !== null) texts.push(cell);
		}
		expect(texts.map((c) => c.value).sort()).toEqual([AT_SUM, HYPERLINK].sort());
		const plate = sheet('标牌台账').getRow(2).getCell(5);
		for (const cell of [...texts, plate]) {
			expect(cell.type).toBe(ExcelJS.ValueType.String);
			expect(cell.formula).toBeUndefined();
		}
		expect(plate.value).toBe('+综治中心');
	});

	it('states the headline figures and the reporting rate on the summary', () => {
		const s = sheet('汇总');
		expect(s.getRow(1).getCell(1).value).toBe('银川市2025年第3季度基层减负观测情况报告');
		const header = findRow(s, 1, '指标');
		expect(rowValues(s, header.number)).toEqual([
			'指标',
			'单位',
			'本期',
			'上期',
			'基线',
			'较上期',
			'较基线',
			'保持点位',
			'反弹点位',
			'报告点位'
		]);
		const meetings = findRow(s, 1, '参加的会议');
		expect(rowValues(s, meetings.number)).toEqual(['参加的会议', '次', 4.5, 9, 9, -4.5, -4.5, 2, 0, 2]);
		expect(meetings.getCell(3).type).toBe(ExcelJS.ValueType.Number);
		expect(findRow(s, 1, '印发日期').getCell(2).value).toEqual(new Date('2025-11-05T00:00:00Z'));

		const reporting = findRow(s, 2, '区划代码');
		expect(rowValues(s, reporting.number)).toEqual([
			'地区',
			'区划代码',
			'应报',
			'按时',
			'逾期',
			'未报',
			'已通过',
			'报送率'
		]);
		const total = findRow(s, 1, '合计');
		const [, code, targets, onTime, late, missing, accepted, rate] = rowValues(s, total.number);
		expect([code, targets, onTime, late, missing, accepted]).toEqual([tree.city, 3, 1, 1, 1, 2]);
		expect(rate).toBeCloseTo(2 / 3, 6);
		expect(total.getCell(8).numFmt).toBe('0.0%');
		const xingqing = findRow(s, 1, '兴庆区');
		expect(rowValues(s, xingqing.number).slice(1, 7)).toEqual([tree.county, 2, 1, 1, 0, 2]);
	});

	it('lists the figures by region and indicator', () => {
		const s = sheet('分地区指标');
		expect(rowValues(s, 1)).toEqual([
			'区划代码',
			'地区',
			'指标',
			'单位',
			'本期',
			'上期',
			'基线',
			'较上期',
			'较基线',
			'保持点位',
			'反弹点位',
			'报告点位'
		]);
		const rows = Array.from({ length: s.rowCount - 1 }, (_, i) => rowValues(s, i + 2));
		const county = rows.find((r) => r[0] === tree.county && r[2] === '参加的会议');
		expect(county).toEqual([tree.county, '兴庆区', '参加的会议', '次', 4.5, 9, 9, -4.5, -4.5, 2, 0, 2]);
		expect(rows.filter((r) => r[0] === tree.city)).toHaveLength(15);
	});

	it('writes the registers and the late or missing list with real dates', () => {
		const boards = sheet('标牌台账');
		expect(rowValues(boards, 1).slice(0, 5)).toEqual(['区县', '乡镇街道', '观测点', '区划代码', '标牌内容']);
		expect(boards.getRow(2).getCell(10).value).toEqual(new Date('2025-05-01T00:00:00Z'));

		const certs = sheet('证明事项');
		const cert = findRow(certs, 5, '无犯罪记录证明');
		expect(cert.getCell(10).value).toBe(2);
		expect(cert.getCell(11).value).toBe('是');

		const people = sheet('借调人员');
		const person = findRow(people, 5, '张三');
		expect(person.getCell(10).value).toBeNull();
		expect(rowValues(people, person.number).slice(2, 9)).toEqual([
			'满春社区居委会',
			tree.community,
			'张三',
			'文书',
			'区委办公室',
			new Date('2025-06-01T00:00:00Z'),
			new Date('2025-09-30T00:00:00Z')
		]);

		const late = sheet('逾期和未报');
		expect(rowValues(late, 1)).toEqual([
			'区县',
			'乡镇街道',
			'观测点',
			'区划代码',
			'轮次',
			'截止日期',
			'情况',
			'提交时间'
		]);
		const rows = Array.from({ length: late.rowCount - 1 }, (_, i) => rowValues(late, i + 2));
		expect(rows).toEqual(
			expect.arrayContaining([
				[
					'兴庆区',
					'凤凰北街街道',
					'满春社区居委会',
					tree.community,
					'2025年第3季度',
					new Date('2025-10-10T00:00:00Z'),
					'逾期提交',
					new Date('2025-10-15T10:30:00Z')
				],
				[
					'西夏区',
					'朔方路街道',
					'同心村委会',
					tree.otherVillage,
					'2025年第3季度',
					new Date('2025-10-10T00:00:00Z'),
					'未报'
				]
			])
		);
		expect(rows).toHaveLength(2);
	});

	it('reports progress up to the end', () => {
		expect(shares.length).toBeGreaterThan(1);
		expect(shares.at(-1)).toBe(1);
		expect([...shares].sort((a, b) => a - b)).toEqual(shares);
	});

	it('names the sheets in English when asked, and survives hostile text', async () => {
		const hostile = structuredClone(data);
		hostile.submissions[0].answers.remark = `${'长'.repeat(40_000)}\uD800`;
		hostile.submissions[0].answers.heaviest_burden = '\u0001<b>&amp;</b>\uDC00 "\'';
		const out = path.join(dir, 'en.xlsx');
		await writeReportXlsx(hostile, out, { locale: 'en' });
		const en = new ExcelJS.Workbook();
		await en.xlsx.readFile(out);
		expect(en.worksheets.map((s) => s.name)).toEqual([
			'Summary',
			'Indicators by region',
			'Flagged points',
			'Submissions',
			'Signboards',
			'Certificates',
			'Secondments',
			'Late or missing'
		]);
		const s = en.getWorksheet('Submissions')!;
		const header = rowValues(s, 1) as string[];
		const row = s.getRow(2);
		expect(String(row.getCell(header.indexOf('备注') + 1).value)).toHaveLength(32_767);
		expect(row.getCell(header.indexOf('最重的新负担是什么？') + 1).value).toBe('<b>&amp;</b>\uFFFD "\'');
	});

	it('writes a quarter with nothing in it', async () => {
		const analyst = await newUser(scenario.db, 'analyst', tree.province);
		const empty = await loadReportData(scenario.db, analyst, { regionCode: tree.city, quarter: '2024-Q1' });
		const out = path.join(dir, 'empty.xlsx');
		await writeReportXlsx(empty, out);
		const read = new ExcelJS.Workbook();
		await read.xlsx.readFile(out);
		expect(read.worksheets).toHaveLength(8);
		expect(rowValues(read.getWorksheet('填报明细')!, 1).slice(0, FIXED.length)).toEqual(FIXED);
		expect(read.getWorksheet('逾期和未报')!.rowCount).toBe(1);
		expect(reportCsv(empty).split('\r\n')).toHaveLength(2);
	});

	it('refuses a path it cannot write', async () => {
		await expect(writeReportXlsx(data, path.join(dir, 'missing', 'x.xlsx'))).rejects.toThrow();
	});
});

describe('the answers CSV', () => {
	it('is UTF-8 with a byte-order mark, CRLF lines and the sheet’s columns', () => {
		const csv = reportCsv(data);
		expect(csv.startsWith('\uFEFF区县,乡镇街道,观测点,区划代码,轮次,状态,是否逾期,提交时间,审核时间,')).toBe(
			true
		);
		expect(csv.endsWith('\r\n')).toBe(true);
		const rows: string[][] = parse(csv, { bom: true, record_delimiter: '\r\n' });
		expect(rows[0]).toEqual([...FIXED, ...ITEM_LABELS]);
		expect(rows).toHaveLength(1 + 2);
		expect(new Set(rows.map((r) => r.length))).toEqual(new Set([FIXED.length + ITEM_LABELS.length]));
	});

	it('neutralises formula-like text and keeps quotes, commas and newlines', () => {
		const rows: string[][] = parse(reportCsv(data), { bom: true, record_delimiter: '\r\n' });
		const col = (label: string) => rows[0].indexOf(label);
		const red = rows.find((r) => r[2] === '红花村委会' && r[4] === '2025年第3季度')!;
		expect(red[col('备注')]).toBe(`'${HYPERLINK}`);
		expect(red[col('最重的新负担是什么？')]).toBe(STORY);
		expect(red[col('本季度参加了几次会议？')]).toBe('3');
		expect(red[col('最近一次督查是哪天？')]).toBe('2025-08-15');
		expect(red[col('提交时间')]).toBe('2025-10-08 09:00');
		const late = rows.find((r) => r[2] === '满春社区居委会' && r[4] === '2025年第3季度')!;
		expect(late[col('备注')]).toBe(`'${AT_SUM}`);
		expect(rows.flat().filter((v) => /^[=+\-@\t\r]/.test(v))).toEqual([]);
	});

	it('can be written in English headers', () => {
		const csv = reportCsv(data, { locale: 'en' });
		expect(csv.split('\r\n', 1)[0]).toBe(
			`\uFEFFCounty,Township,Point,Division code,Round,Status,Late,Submitted at,Reviewed at,${ITEM_LABELS.join(',')}`
		);
	});
});
