// The report's generated wording, on hand-made figures: better, worse and flat, for indicators
// where lower is better and where higher is, in Chinese and English; and the sections' shape.
import { describe, expect, it } from 'vitest';
import type { IndicatorKey } from '../../src/lib/domain/indicators';
import type { IndicatorFigure, ReportData } from '../../src/lib/server/reports/report-data';
import {
	documentText,
	indicatorSentence,
	MAX_BURDENS,
	MAX_CHILD_TABLES,
	reportDate,
	reportingRate,
	reportSections
} from '../../src/lib/server/reports/report-text';

const periods = { period: '2026-Q3', previousPeriod: '2026-Q2', baselinePeriod: '2024-Q4' };

const figure = (
	indicator: IndicatorKey,
	latest: number | null,
	previous: number | null,
	baseline: number | null,
	rebounding = 0
): IndicatorFigure => ({ indicator, latest, previous, baseline, holding: 3, rebounding, points: 3 });

const zh = (f: IndicatorFigure) => indicatorSentence(periods, f, 'zh');
const en = (f: IndicatorFigure) => indicatorSentence(periods, f, 'en');

describe('the sentence about one indicator', () => {
	it('says a lower-is-better count went down and improved', () => {
		expect(zh(figure('signboards_exterior', 2.1, 2.5, 5.2))).toBe(
			'平均每个观测点外挂标牌 2.1 块，较基线（2024年第4季度）5.2 块下降 59.6%，较上季度下降 0.4 块，呈好转态势。'
		);
		expect(en(figure('signboards_exterior', 2.1, 2.5, 5.2))).toBe(
			'Exterior signboards averaged 2.1 plates per point, down 59.6% from 5.2 plates at the baseline (2024 Q4), down 0.4 plates on the previous quarter, an improvement.'
		);
	});

	it('says a lower-is-better count went up as a sign of rebound, with the points rebounding', () => {
		expect(zh(figure('meetings_attended', 10, 7, 8, 2))).toBe(
			'平均每个观测点参加的会议 10 次，较基线（2024年第4季度）8 次上升 25%，较上季度上升 3 次，出现反弹苗头，其中 2 个观测点反弹。'
		);
		expect(en(figure('meetings_attended', 10, 7, 8, 1))).toBe(
			'Meetings attended averaged 10 times per point, up 25% from 8 times at the baseline (2024 Q4), up 3 times on the previous quarter, a sign of rebound, with one point rebounding.'
		);
	});

	it('says flat when nothing moved, and judges nothing', () => {
		expect(zh(figure('data_requests', 4, 4, 4))).toBe(
			'平均每个观测点数据填报和报表 4 次，与基线（2024年第4季度）持平，较上季度持平。'
		);
		expect(en(figure('data_requests', 4, 4, 4))).toBe(
			'Data requests and forms averaged 4 times per point, level with the baseline (2024 Q4), unchanged on the previous quarter.'
		);
	});

	it('reads a higher-is-better rate the other way round, in percentage points', () => {
		expect(zh(figure('compliance_rate', 92.5, 88, 41.9))).toBe(
			'观测点平均清单达标率 92.5%，较基线（2024年第4季度）41.9%上升 50.6 个百分点，较上季度上升 4.5 个百分点，呈好转态势。'
		);
		expect(zh(figure('compliance_rate', 80, 90, 85))).toBe(
			'观测点平均清单达标率 80%，较基线（2024年第4季度）85%下降 5 个百分点，较上季度下降 10 个百分点，出现反弹苗头。'
		);
		expect(en(figure('signboards_removed', 5, 4, 2))).toMatch(
			/up 1 plates on the previous quarter, an improvement\.$/
		);
		expect(en(figure('signboards_removed', 3, 4, 2))).toMatch(
			/down 1 plates on the previous quarter, a sign of rebound\.$/
		);
	});

	it('calls a move of a few per cent about the same, except for things the reform cancelled', () => {
		expect(zh(figure('signboards_exterior', 4.1, 4, 6))).toBe(
			'平均每个观测点外挂标牌 4.1 块，较基线（2024年第4季度）6 块下降 31.7%，较上季度基本持平（+0.1）。'
		);
		expect(zh(figure('signboards_cancelled_hung', 3.1, 3, 3.3))).toContain(
			'较上季度上升 0.1 块，出现反弹苗头'
		);
	});

	it('falls back on the baseline when there is no previous period, and stays silent without data', () => {
		expect(zh(figure('inspections_received', 3, null, 5))).toBe(
			'平均每个观测点督查检查考核 3 次，较基线（2024年第4季度）5 次下降 40%，呈好转态势。'
		);
		expect(zh(figure('inspections_received', null, 3, 5))).toBeNull();
		expect(
			indicatorSentence({ ...periods, baselinePeriod: '2026-Q3' }, figure('work_groups', 2, 2, 2), 'zh')
		).toBe('平均每个观测点工作群 2 个，较上季度持平。');
	});

	it('compares with the previous month in a monthly report', () => {
		const monthly = { period: '2026-09', previousPeriod: '2026-08', baselinePeriod: '2026-01' };
		expect(indicatorSentence(monthly, figure('data_requests', 2, 3, 4), 'zh')).toBe(
			'平均每个观测点数据填报和报表 2 次，较基线（2026年1月）4 次下降 50%，较上月下降 1 次，呈好转态势。'
		);
	});
});

describe('report text helpers', () => {
	it('strips what XML refuses and keeps what it does not', () => {
		expect(documentText('a\u0000b\u0007c\u001Fd\uFFFEe\uD800f')).toBe('abcde\uFFFDf');
		expect(documentText('  line one\r\n  line two\tend\u000Bx ')).toBe('line one line two end x');
		expect(documentText('"引号" <尖括号> & 🚩')).toBe('"引号" <尖括号> & 🚩');
		// A workbook cell or CSV field keeps its own lines and spacing under the same rule.
		expect(documentText(' a\u0001\r\n\tb\uDC00\uFFFF ', { multiline: true })).toBe(' a\r\n\tb\uFFFD ');
	});

	it('writes dates and rates the way offices do', () => {
		expect(reportDate('2026-11-22', 'zh')).toBe('2026年11月22日');
		expect(reportDate('2026-11-02', 'en')).toBe('2 November 2026');
		expect(reportingRate({ targets: 3, onTime: 1, late: 1 })).toBe(66.7);
		expect(reportingRate({ targets: 0, onTime: 0, late: 0 })).toBe(0);
	});
});

// ---- Whole sections on a hand-made data set ------------------------------------------------

function child(i: number, pointId: number | null) {
	return {
		code: `6401${String(i).padStart(2, '0')}`,
		name: `测试${i}区`,
		pointId,
		figures: [figure('meetings_attended', 5 + i, 5, 8, i % 2)],
		holding: 3,
		rebounding: i % 2
	};
}

function reportData(overrides: Partial<ReportData> = {}): ReportData {
	const base = {
		title: '测试市2026年第3季度基层减负观测情况报告',
		issuer: '测试市减负办',
		issuedOn: '2026-11-22',
		region: { code: '6401', name: '测试市', level: 2 },
		quarter: { key: '2026-Q3', start: '2026-07-01', end: '2026-09-30' },
		...periods,
		view: {
			shown: [
				{ key: '2024-Q4', kind: 'quarter', start: '2024-10-01', end: '2024-12-31' },
				{ key: '2026-Q3', kind: 'quarter', start: '2026-07-01', end: '2026-09-30' }
			],
			trends: [
				{
					indicator: 'meetings_attended',
					values: [
						{ period: '2024-Q4', value: 8, total: 24, points: 3, holding: 3, rebounding: 0 },
						{ period: '2026-Q3', value: 6, total: 18, points: 3, holding: 3, rebounding: 0 }
					]
				}
			]
		},
		indicators: [figure('meetings_attended', 6, 6, 8)],
		overall: { holding: 3, rebounding: 0, points: 3 },
		reporting: { targets: 3, onTime: 3, late: 0, missing: 0, accepted: 3, rounds: ['第3季度'] },
		reportingByChild: [
			{ code: '640101', name: '测试1区', targets: 3, onTime: 3, late: 0, missing: 0, accepted: 3 }
		],
		childTables: [child(1, null)],
		rebounds: [],
		burdens: [],
		regionNames: { '64': '测试省', '6401': '测试市', '640101': '测试1区', '640101001': '测试街道' }
	};
	return { ...base, ...overrides } as unknown as ReportData;
}

const texts = (d: ReportData, key: string, locale: 'zh' | 'en' = 'zh') =>
	reportSections(d, locale)
		.find((s) => s.key === key)!
		.blocks.map((b) => (b.kind === 'paragraph' || b.kind === 'subheading' ? b.text : `[${b.kind}:${b.id}]`));

describe('the report sections', () => {
	it('are numbered 一、 to 七、 in Chinese and 1. to 7. in English', () => {
		expect(reportSections(reportData(), 'zh').map((s) => s.heading)).toEqual([
			'一、总体情况',
			'二、主要指标变化',
			'三、各地报送情况',
			'四、分地区情况',
			'五、反弹问题清单',
			'六、基层反映的突出负担',
			'七、下一步工作建议'
		]);
		expect(reportSections(reportData(), 'en').map((s) => s.number)).toEqual([
			'1.',
			'2.',
			'3.',
			'4.',
			'5.',
			'6.',
			'7.'
		]);
	});

	it('says so when nothing rebounded and nobody wrote a burden', () => {
		expect(texts(reportData(), 'rebounds')).toEqual(['本季度未发现反弹。']);
		expect(texts(reportData(), 'burdens')).toEqual(['本季度观测点没有填写突出负担。']);
		expect(texts(reportData(), 'next')[0]).toMatch(/^本季度各项减负成果总体保持/);
		expect(texts(reportData(), 'reporting')).toContain('各地均已按时全部报送。');
	});

	it('numbers tables and figures through the document and refers to them by number', () => {
		const sections = reportSections(reportData(), 'zh');
		const captions = sections.flatMap((s) =>
			s.blocks.flatMap((b) => (b.kind === 'table' || b.kind === 'chart' ? [b.caption] : []))
		);
		expect(captions).toEqual([
			'表1 主要指标变化情况',
			'图1 平均每个观测点会议、报表和督查次数',
			'表2 各地报送情况',
			'图2 各地报送情况',
			'表3 测试1区主要指标'
		]);
		expect(texts(reportData(), 'reporting')[0]).toBe('各下级地区报送情况见表2、图2。');
	});

	it('quotes at most ten burdens, each with its point, and counts the rest', () => {
		const burdens = Array.from({ length: MAX_BURDENS + 3 }, (_, i) => ({
			pointName: `第${i + 1}村委会`,
			regionCode: '640101001001',
			text: `负担${i + 1}`
		}));
		const lines = texts(reportData({ burdens }), 'burdens');
		expect(lines).toHaveLength(1 + MAX_BURDENS + 1);
		expect(lines[1]).toBe('1．负担1（测试1区测试街道第1村委会）');
		expect(lines.at(-1)).toBe('另有 3 条见附表。');
	});

	it('gives each child region a table when there are few, and one table when there are many', () => {
		const few = texts(reportData(), 'regions');
		expect(few).toEqual([
			'（一）测试1区',
			'测试1区有数据的观测点中，3 个保持，1 个反弹。',
			'[table:region-640101]'
		]);
		const many = Array.from({ length: MAX_CHILD_TABLES + 1 }, (_, i) => child(i + 1, null));
		const sections = reportSections(reportData({ childTables: many }), 'zh');
		const blocks = sections.find((s) => s.key === 'regions')!.blocks;
		const tables = blocks.filter((b) => b.kind === 'table');
		expect(tables).toHaveLength(1);
		expect(tables[0].kind === 'table' && tables[0].table.rows.map((r) => r[0])).toEqual(
			many.map((c) => c.name)
		);
	});

	it('lists each rebounding point once with its indicators and why, and counts watched points apart', () => {
		const flag = (indicator: 'meetings_attended' | 'signboards_rehung', over: object = {}) => ({
			indicator,
			status: 'rebounding' as const,
			reason: 'sustained' as const,
			value: 14,
			level: 8,
			upper: 11,
			recent: 13,
			span: 4,
			evidence: 'answer' as const,
			evidenceHref: '/submissions/1',
			...over
		});
		const rebounds = [
			{
				pointId: 1,
				pointName: '红花村委会',
				regionCode: '640101001001',
				period: '2026-Q3',
				status: 'rebounding' as const,
				flags: [
					flag('meetings_attended'),
					flag('signboards_rehung', { reason: 'event', value: 1, level: 0, recent: 1, span: 1 })
				]
			},
			{
				pointId: 2,
				pointName: '黄河村委会',
				regionCode: '640101001002',
				period: '2026-Q3',
				status: 'watch' as const,
				flags: [flag('meetings_attended', { status: 'watch', reason: 'spike' })]
			}
		];
		const d = reportData({ rebounds });
		expect(texts(d, 'rebounds')[0]).toBe(
			'2026年第3季度共有 1 个观测点反弹（另有 1 个点位单期异常、需关注），较多的是重新挂出的标牌（1 个点位）、参加的会议（1 个点位）。明细见表4，每个点位列一次。'
		);
		const table = reportSections(d, 'zh')
			.find((s) => s.key === 'rebounds')!
			.blocks.find((b) => b.kind === 'table');
		const rows = table?.kind === 'table' ? table.table.rows : [];
		expect(rows).toHaveLength(1);
		expect(rows[0].slice(0, 4)).toEqual(['1', '红花村委会', '测试1区测试街道', '参加的会议、重新挂出的标牌']);
		expect(rows[0][4]).toContain('近4期平均 13 次，高于减负后常态 8 次（波动上限 11 次）');
		expect(rows[0][4]).toContain('取消事项出现即为反弹');
		expect(texts(d, 'next')[0]).toMatch(/^针对测试1区在参加的会议、/);
	});
});
