// The quarterly report as a Word document, laid out in the spirit of GB/T 9704 (党政机关公文格式):
// A4 with the standard margins, the title in 小标宋 二号, the issuing office and date in 楷体 三号,
// headings in 黑体 三号, the body in 仿宋 三号 at a fixed 29 pt line (22 lines a page), tables in
// 仿宋 小四, and the page number as “— 1 —” in 宋体 四号. The words come from report-text.ts, the
// charts from chart-png.ts, so the print view and this file say the same.
import {
	AlignmentType,
	BorderStyle,
	Document,
	Footer,
	HeadingLevel,
	ImageRun,
	LineRuleType,
	Packer,
	PageNumber,
	Paragraph,
	Table,
	TableCell,
	TableLayoutType,
	TableRow,
	TextRun,
	VerticalAlignTable,
	WidthType,
	type IParagraphStyleOptions
} from 'docx';
import { reportChartPng } from './chart-png';
import type { ReportData } from './report-data';
import {
	documentText,
	reportFront,
	reportSections,
	type ReportBlock,
	type ReportFront,
	type ReportLocale,
	type ReportSection,
	type ReportTable
} from './report-text';

export interface ReportDocxOptions {
	locale?: ReportLocale;
	/** Called with 0..1 as the document comes together (charts are most of the time). */
	onProgress?: (share: number) => void;
	/** The report's words when the caller has them already (the job stores them for the print view). */
	text?: { front: ReportFront; sections: ReportSection[] };
}

// Fonts the standard names. Few machines outside government offices have the _GB2312 faces or
// 方正小标宋, so the font table gives each the face Windows ships as its alternative (altName):
// Word then substitutes 仿宋 for 仿宋_GB2312 rather than falling back to its default font.
const FONTS = {
	title: { name: '方正小标宋简体', alt: '宋体', family: 'roman', pitch: 'variable' },
	kai: { name: '楷体_GB2312', alt: '楷体', family: 'modern', pitch: 'fixed' },
	hei: { name: '黑体', alt: 'SimHei', family: 'modern', pitch: 'fixed' },
	fang: { name: '仿宋_GB2312', alt: '仿宋', family: 'modern', pitch: 'fixed' },
	song: { name: '宋体', alt: 'SimSun', family: 'auto', pitch: 'variable' }
} as const;
const LATIN = 'Times New Roman';

const eastAsian = (font: keyof typeof FONTS, latin: string = LATIN) => ({
	ascii: latin,
	hAnsi: latin,
	eastAsia: FONTS[font].name,
	cs: latin
});

/** Sizes in half-points, by their Chinese names. */
const SIZE = { er: 44, san: 32, si: 28, xiaosi: 24 } as const;

const mm = (v: number) => Math.round((v * 1440) / 25.4);
const PAGE = { width: 11906, height: 16838 };
const MARGIN = { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26) };
const TEXT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
/** 225 mm of text height / 22 lines. */
const LINE = 579;
const INDENT = { firstLine: 640, firstLineChars: 200 };
/** Charts ~15.5 cm wide, in the 96-dpi pixels docx measures images in. */
const CHART_WIDTH_PX = Math.round((155 / 25.4) * 96);

const STYLES: IParagraphStyleOptions[] = [
	{
		id: 'ReportBody',
		name: 'Report Body',
		basedOn: 'Normal',
		quickFormat: true,
		run: { font: eastAsian('fang'), size: SIZE.san },
		paragraph: {
			alignment: AlignmentType.JUSTIFIED,
			spacing: { line: LINE, lineRule: LineRuleType.EXACT, before: 0, after: 0 },
			indent: INDENT
		}
	},
	{
		id: 'ReportTitle',
		name: 'Report Title',
		basedOn: 'Normal',
		next: 'ReportBody',
		quickFormat: true,
		run: { font: eastAsian('title'), size: SIZE.er },
		paragraph: {
			alignment: AlignmentType.CENTER,
			spacing: { line: 700, lineRule: LineRuleType.EXACT, before: 0, after: 0 }
		}
	},
	{
		id: 'ReportIssuer',
		name: 'Report Issuer',
		basedOn: 'Normal',
		quickFormat: true,
		run: { font: eastAsian('kai'), size: SIZE.san },
		paragraph: {
			alignment: AlignmentType.CENTER,
			spacing: { line: LINE, lineRule: LineRuleType.EXACT, before: 0, after: 0 }
		}
	},
	{
		id: 'ReportSubheading',
		name: 'Report Subheading',
		basedOn: 'ReportBody',
		next: 'ReportBody',
		quickFormat: true,
		run: { font: eastAsian('kai'), size: SIZE.san },
		paragraph: { keepNext: true, keepLines: true }
	},
	{
		id: 'ReportCaption',
		name: 'Report Caption',
		basedOn: 'Normal',
		quickFormat: true,
		run: { font: eastAsian('hei', FONTS.hei.name), size: SIZE.si },
		paragraph: {
			alignment: AlignmentType.CENTER,
			spacing: { line: 400, lineRule: LineRuleType.AT_LEAST, before: 120, after: 120 },
			keepLines: true
		}
	},
	{
		id: 'ReportFigure',
		name: 'Report Figure',
		basedOn: 'Normal',
		quickFormat: true,
		// An exact line height would clip the picture, so this one is single.
		paragraph: {
			alignment: AlignmentType.CENTER,
			spacing: { line: 240, lineRule: LineRuleType.AUTO, before: 120, after: 0 },
			keepNext: true
		}
	},
	{
		id: 'ReportTable',
		name: 'Report Table',
		basedOn: 'Normal',
		quickFormat: true,
		run: { font: eastAsian('fang'), size: SIZE.xiaosi },
		paragraph: { spacing: { line: 320, lineRule: LineRuleType.AT_LEAST, before: 0, after: 0 } }
	},
	{
		id: 'ReportTableHeader',
		name: 'Report Table Header',
		basedOn: 'ReportTable',
		quickFormat: true,
		run: { font: eastAsian('hei', FONTS.hei.name), size: SIZE.xiaosi },
		paragraph: { alignment: AlignmentType.CENTER, keepNext: true }
	},
	{
		id: 'ReportPageNumber',
		name: 'Report Page Number',
		basedOn: 'Normal',
		run: { font: eastAsian('song', FONTS.song.name), size: SIZE.si },
		paragraph: { alignment: AlignmentType.CENTER, spacing: { before: 0, after: 0 } }
	}
];

/** The font table, so each standard face names the face to use where it is missing. */
function fontTable(): string {
	const entries = Object.values(FONTS)
		.map(
			(f) =>
				`<w:font w:name="${f.name}"><w:altName w:val="${f.alt}"/><w:charset w:val="86"/>` +
				`<w:family w:val="${f.family}"/><w:pitch w:val="${f.pitch}"/></w:font>`
		)
		.join('');
	return (
		'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
		'<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
		`<w:font w:name="${LATIN}"><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>` +
		entries +
		'</w:fonts>'
	);
}

const text = (value: string) => new TextRun({ text: documentText(value) });

function bodyParagraph(value: string) {
	return new Paragraph({ style: 'ReportBody', children: [text(value)] });
}

const BORDER = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
const BORDERS = {
	top: BORDER,
	bottom: BORDER,
	left: BORDER,
	right: BORDER,
	insideHorizontal: BORDER,
	insideVertical: BORDER
};
const ALIGN = {
	left: AlignmentType.LEFT,
	center: AlignmentType.CENTER,
	right: AlignmentType.RIGHT
} as const;

function tableOf(t: ReportTable): Table {
	const total = t.columns.reduce((s, c) => s + c.weight, 0);
	const widths = t.columns.map((c) => Math.floor((TEXT_WIDTH * c.weight) / total));
	const cell = (value: string, i: number, header: boolean) =>
		new TableCell({
			width: { size: widths[i], type: WidthType.DXA },
			verticalAlign: VerticalAlignTable.CENTER,
			margins: { top: 40, bottom: 40, left: 80, right: 80 },
			children: [
				new Paragraph({
					style: header ? 'ReportTableHeader' : 'ReportTable',
					alignment: header ? AlignmentType.CENTER : ALIGN[t.columns[i].align],
					children: [text(value)]
				})
			]
		});
	return new Table({
		width: { size: widths.reduce((s, w) => s + w, 0), type: WidthType.DXA },
		columnWidths: widths,
		// Fixed, so a long name wraps inside its column instead of pushing the table off the page.
		layout: TableLayoutType.FIXED,
		alignment: AlignmentType.CENTER,
		borders: BORDERS,
		rows: [
			new TableRow({
				tableHeader: true,
				cantSplit: true,
				children: t.columns.map((c, i) => cell(c.label, i, true))
			}),
			...t.rows.map(
				(row) => new TableRow({ cantSplit: true, children: row.map((v, i) => cell(v, i, false)) })
			)
		]
	});
}

export async function reportDocx(data: ReportData, options: ReportDocxOptions = {}): Promise<Buffer> {
	const locale = options.locale ?? 'zh';
	const progress = options.onProgress ?? (() => {});
	progress(0);
	const front = options.text?.front ?? reportFront(data, locale);
	const sections = options.text?.sections ?? reportSections(data, locale);
	progress(0.05);

	const charts = sections.flatMap((s) =>
		s.blocks.filter((b): b is Extract<ReportBlock, { kind: 'chart' }> => b.kind === 'chart')
	);
	const images = new Map<string, Awaited<ReturnType<typeof reportChartPng>>>();
	for (const [i, c] of charts.entries()) {
		images.set(c.id, await reportChartPng(c.chart));
		progress(0.05 + (0.75 * (i + 1)) / charts.length);
	}

	const children: (Paragraph | Table)[] = [
		new Paragraph({ style: 'ReportTitle', children: [text(front.title)] }),
		new Paragraph({ style: 'ReportIssuer', children: [] }),
		new Paragraph({ style: 'ReportIssuer', children: [text(front.issuer)] }),
		new Paragraph({ style: 'ReportIssuer', children: [text(front.date)] }),
		new Paragraph({ style: 'ReportBody', children: [] }),
		bodyParagraph(front.lead)
	];
	for (const section of sections) {
		children.push(
			new Paragraph({
				heading: HeadingLevel.HEADING_1,
				children: [text(section.heading)]
			})
		);
		for (const block of section.blocks) {
			if (block.kind === 'paragraph') children.push(bodyParagraph(block.text));
			else if (block.kind === 'subheading')
				children.push(new Paragraph({ style: 'ReportSubheading', children: [text(block.text)] }));
			else if (block.kind === 'table') {
				children.push(
					new Paragraph({ style: 'ReportCaption', keepNext: true, children: [text(block.caption)] }),
					tableOf(block.table),
					// Word needs a paragraph between two tables, and a table wants air below it.
					new Paragraph({ style: 'ReportTable', children: [] })
				);
			} else {
				const image = images.get(block.id)!;
				children.push(
					new Paragraph({
						style: 'ReportFigure',
						children: [
							new ImageRun({
								type: 'png',
								data: image.png,
								transformation: {
									width: CHART_WIDTH_PX,
									height: Math.round((CHART_WIDTH_PX * image.height) / image.width)
								},
								altText: {
									name: block.id,
									title: documentText(block.chart.spec.title),
									description: documentText(block.caption)
								}
							})
						]
					}),
					new Paragraph({ style: 'ReportCaption', children: [text(block.caption)] })
				);
			}
		}
	}

	const doc = new Document({
		title: front.title,
		creator: front.issuer,
		description: front.lead,
		styles: {
			default: {
				document: {
					run: {
						font: eastAsian('fang'),
						size: SIZE.san,
						language: { value: locale === 'zh' ? 'zh-CN' : 'en-GB', eastAsia: 'zh-CN' }
					}
				},
				heading1: {
					run: { font: eastAsian('hei', FONTS.hei.name), size: SIZE.san, bold: false, color: '000000' },
					paragraph: {
						spacing: { line: LINE, lineRule: LineRuleType.EXACT, before: 0, after: 0 },
						indent: INDENT,
						keepNext: true,
						keepLines: true
					}
				}
			},
			paragraphStyles: STYLES
		},
		sections: [
			{
				properties: {
					page: {
						size: PAGE,
						margin: { ...MARGIN, header: mm(15), footer: mm(23) }
					}
				},
				footers: {
					default: new Footer({
						children: [
							new Paragraph({
								style: 'ReportPageNumber',
								children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'] })]
							})
						]
					})
				},
				children
			}
		]
	});
	progress(0.85);
	const buffer = await Packer.toBuffer(doc, false, [{ path: 'word/fontTable.xml', data: fontTable() }]);
	progress(1);
	return buffer;
}
