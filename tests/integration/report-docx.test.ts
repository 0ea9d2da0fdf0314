// The quarterly report as a Word file, from a small known data set through the real services:
// the file is read back (word/document.xml and its parts) for the headings, the figures, the
// rebound, a burden text full of characters that break careless XML, the charts and the footer.
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { addSecondment } from '../../src/lib/server/registers/secondments.service';
import { loadReportData, type ReportData } from '../../src/lib/server/reports/report-data';
import { reportDocx } from '../../src/lib/server/reports/report-docx';
import { newUser } from '../helpers/factories';
import { meetingsDefinition, PLACE_POINTS, quarter, sent, useScenario } from '../helpers/scenario';

const LONG_LINE = 'A'.repeat(5000);
const BURDEN = `"引号" <尖括号> & emoji 🚩 ${LONG_LINE}`;

const onTime = new Date('2026-09-30T02:00:00Z');
const answers = {
	village: [
		{ meetings_attended: 10, data_requests: 4 },
		{ meetings_attended: 8, data_requests: 4 },
		// Q3: the village's meetings rise (14 after 8: one period, not yet a rebound) and it lends a
		// member of staff without approval (below: a cancelled burden back, a rebound at once); the
		// community is late.
		sent({ meetings_attended: 14, data_requests: 2 }, { at: onTime })
	],
	community: [
		{ meetings_attended: 6, data_requests: 4 },
		{ meetings_attended: 6, data_requests: 3 },
		sent(
			{ meetings_attended: 6, data_requests: 3, heaviest_burden: BURDEN },
			{ at: new Date('2026-10-20T02:00:00Z') }
		)
	]
};

const s = useScenario(
	{
		points: PLACE_POINTS,
		definition: meetingsDefinition([
			{ key: 'heaviest_burden', kind: 'long_text', label: '最突出的负担', required: false, max: 6000 }
		]),
		quarters: ['2026-Q1', '2026-Q2', '2026-Q3'].map(quarter),
		answers,
		closeRounds: [0, 1]
	},
	{ fresh: 'all' }
);
const { tree, points } = s;

let data: ReportData;
let xml: string;
let zip: JSZip;
let shares: number[];

/** The document's text as a reader sees it: every w:t run, unescaped, in order. */
function visibleText(documentXml: string): string {
	return [...documentXml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)]
		.map((m) =>
			m[1]
				.replace(/&lt;/g, '<')
				.replace(/&gt;/g, '>')
				.replace(/&quot;/g, '"')
				.replace(/&apos;/g, "'")
				.replace(/&amp;/g, '&')
		)
		.join('');
}

beforeAll(async () => {
	await addSecondment(
		s.db,
		null,
		points.village.id,
		{
			personName: '张三',
			post: '文书',
			borrowingUnit: '县信访局',
			startDate: '2026-08-01',
			expectedEnd: null,
			approved: false,
			approvalRef: null
		},
		'2026-11-22'
	);
	const analyst = await newUser(s.db, 'analyst', tree.province);
	data = await loadReportData(s.db, analyst, {
		regionCode: tree.province,
		quarter: '2026-Q3',
		issuer: '宁夏回族自治区减负办',
		issuedOn: '2026-11-22'
	});
	shares = [];
	const docx = await reportDocx(data, { onProgress: (s) => shares.push(s) });
	zip = await JSZip.loadAsync(docx);
	xml = await zip.file('word/document.xml')!.async('string');
}, 60_000);

describe('the quarterly report as Word', () => {
	it('is built from the known data set', () => {
		expect(data.period).toBe('2026-Q3');
		expect(data.reporting).toMatchObject({ targets: 3, onTime: 1, late: 1, missing: 1 });
		expect(data.rebounds).toHaveLength(1);
		expect(data.burdens.map((b) => b.text)).toEqual([BURDEN]);
	});

	it('has the title block and every section heading in order', () => {
		const text = visibleText(xml);
		const order = [
			'宁夏回族自治区2026年第3季度基层减负观测情况报告',
			'宁夏回族自治区减负办',
			'2026年11月22日',
			'一、总体情况',
			'二、主要指标变化',
			'三、各地报送情况',
			'四、分地区情况',
			'五、反弹问题清单',
			'六、基层反映的突出负担',
			'七、下一步工作建议'
		].map((s) => text.indexOf(s));
		expect(order.every((i) => i >= 0)).toBe(true);
		expect([...order].sort((a, b) => a - b)).toEqual(order);
	});

	it('writes the headline figures into the sentences', () => {
		const text = visibleText(xml);
		expect(text).toContain('2026-Q3轮次应报 3 个点位，按时报送 1 个，逾期报送 1 个，未报 1 个，报送率 66.7%');
		expect(text).toContain(
			'平均每个观测点参加的会议 10 次，较基线（2026年第1季度）8 次上升 25%，较上季度上升 3 次，出现反弹苗头。'
		);
		expect(text).toContain(
			'平均每个观测点数据填报和报表 2.5 次，较基线（2026年第1季度）4 次下降 37.5%，较上季度下降 1 次，呈好转态势。'
		);
	});

	it('lists the rebound with where it came from', () => {
		const text = visibleText(xml);
		expect(text).toMatch(
			/红花村委会兴庆区凤凰北街街道未经审批的借调未经审批的借调：取消事项再次出现：本期 1 人，减负后最少为 0 人/
		);
		expect(text).not.toContain('本季度未发现反弹');
	});

	it('keeps a burden text with quotes, brackets, ampersands, emoji and a 5,000-character line intact', () => {
		expect(visibleText(xml)).toContain(`${BURDEN}（兴庆区凤凰北街街道满春社区居委会）`);
		// Escaped where XML needs it: no raw bracket or ampersand from the user reaches the markup.
		expect(xml).toContain('&lt;尖括号&gt; &amp; emoji 🚩');
		expect(xml).not.toContain('<尖括号>');
		// eslint-disable-next-line no-control-regex
		expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
	});

	it('embeds the charts as PNG images the document refers to', async () => {
		const media = Object.keys(zip.files).filter((f) => /^word\/media\/.+\.png$/.test(f));
		// Meetings and forms, and the reporting bars; no signboard or compliance data here.
		expect(media.length).toBeGreaterThanOrEqual(2);
		const rels = await zip.file('word/_rels/document.xml.rels')!.async('string');
		const imageRels = [
			...rels.matchAll(/Id="([^"]+)"[^>]*Type="[^"]*\/image"[^>]*Target="media\/[^"]+\.png"/g)
		];
		expect(imageRels.length).toBe(media.length);
		for (const [, id] of imageRels) expect(xml).toContain(`r:embed="${id}"`);
		const png = await zip.file(media[0])!.async('uint8array');
		expect([...png.slice(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
	});

	it('numbers the pages in the footer with a PAGE field', async () => {
		const footers = Object.keys(zip.files).filter((f) => /^word\/footer\d*\.xml$/.test(f));
		expect(footers.length).toBeGreaterThan(0);
		const footer = await zip.file(footers[0])!.async('string');
		expect(footer).toMatch(/<w:instrText[^>]*>\s*PAGE\s*<\/w:instrText>/);
		expect(visibleText(footer)).toBe('—  —');
	});

	it('is an A4 page with the official margins, set in Chinese fonts, in zh-CN', async () => {
		expect(xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
		expect(xml).toMatch(/w:top="2098"/);
		expect(xml).toMatch(/w:left="1587"/);
		const styles = await zip.file('word/styles.xml')!.async('string');
		expect(styles).toContain('w:eastAsia="仿宋_GB2312"');
		expect(styles).toContain('<w:lang w:val="zh-CN" w:eastAsia="zh-CN"/>');
		const fonts = await zip.file('word/fontTable.xml')!.async('string');
		expect(fonts).toMatch(/<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"\/>/);
	});

	it('reports its progress from 0 to 1', () => {
		expect(shares[0]).toBe(0);
		expect(shares.at(-1)).toBe(1);
		expect(shares.every((s, i) => i === 0 || s >= shares[i - 1])).toBe(true);
	});

	it('writes an English report when asked, and survives control characters in user text', async () => {
		const messy: ReportData = {
			...data,
			burdens: [{ ...data.burdens[0], text: 'bell\u0007 vertical\u000Btab\u0000 end\uFFFF' }]
		};
		const docx = await reportDocx(messy, { locale: 'en' });
		const english = await (await JSZip.loadAsync(docx)).file('word/document.xml')!.async('string');
		const text = visibleText(english);
		expect(text).toContain('1. Overview');
		expect(text).toContain('7. Next steps');
		expect(text).toContain('a reporting rate of 66.7%');
		expect(text).toContain('bell vertical tab end');
		// eslint-disable-next-line no-control-regex
		expect(english).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFF]/);
	});
});
