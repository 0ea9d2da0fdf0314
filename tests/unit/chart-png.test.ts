// Report charts drawn on the server: real PNGs of the asked size, with every text in the
// packaged Chinese font (not whatever the machine has), and Chinese glyphs that are glyphs.
import { existsSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

// Every font string chart.js and the plugins set on the canvas while drawing.
const fontsSet = vi.hoisted(() => new Set<string>());

vi.mock('@napi-rs/canvas', async (importOriginal) => {
	const mod = await importOriginal<typeof import('@napi-rs/canvas')>();
	return {
		...mod,
		createCanvas: (width: number, height: number) => {
			const canvas = mod.createCanvas(width, height);
			const ctx = canvas.getContext('2d');
			const font = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(ctx), 'font');
			if (font?.get && font.set) {
				Object.defineProperty(ctx, 'font', {
					get: () => font.get!.call(ctx),
					set: (value: string) => {
						fontsSet.add(value);
						font.set!.call(ctx, value);
					}
				});
			}
			return canvas;
		}
	};
});

const { GlobalFonts, createCanvas, loadImage } = await import('@napi-rs/canvas');
const { barChartPng, lineChartPng, periodLines, registerReportFont, REPORT_FONT_FAMILY } =
	await import('../../src/lib/server/reports/chart-png');

const QUARTERS = [
	'2024年第3季度',
	'2024年第4季度',
	'2025年第1季度',
	'2025年第2季度',
	'2025年第3季度',
	'2025年第4季度',
	'2026年第1季度',
	'2026年第2季度'
];

function line(title = '平均每点位 参加上级会议次数', extra: { baselineIndex?: number | null } = {}) {
	return {
		title,
		labels: QUARTERS,
		unit: '次',
		series: [
			{ name: '全区', values: [12.4, 11.8, 9.6, 8.2, 7.9, 8.8, 7.1, 6.5] },
			{ name: '银川市', values: [14.1, 13, 10.2, null, 8, 9.5, 7.7, 7] }
		],
		...extra
	};
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the IHDR chunk, which must come first. */
function pngSize(png: Buffer): { width: number; height: number } {
	expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
	expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
	return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Count of dark pixels (text or lines) in a band of rows of the decoded PNG. */
async function darkPixels(png: Buffer, top: number, bottom: number): Promise<number> {
	const image = await loadImage(png);
	const canvas = createCanvas(image.width, image.height);
	const ctx = canvas.getContext('2d');
	ctx.drawImage(image, 0, 0);
	const { data } = ctx.getImageData(0, top, image.width, bottom - top);
	let dark = 0;
	for (let i = 0; i < data.length; i += 4) {
		if (data[i + 3] === 255 && data[i] + data[i + 1] + data[i + 2] < 3 * 96) dark++;
	}
	return dark;
}

describe('the report font', () => {
	it('comes from the npm package and is registered under one family, regular and bold', () => {
		const path = registerReportFont();
		expect(path).toMatch(/@expo-google-fonts[\\/]noto-sans-sc[\\/].*NotoSansSC_400Regular\.ttf$/);
		expect(existsSync(path)).toBe(true);
		expect(GlobalFonts.has(REPORT_FONT_FAMILY)).toBe(true);
		const family = GlobalFonts.families.find((f) => f.family === REPORT_FONT_FAMILY);
		expect(family?.styles.map((s) => s.weight).sort()).toEqual([400, 700]);
	});

	it('registers once however many charts are drawn', () => {
		const before = GlobalFonts.families.find((f) => f.family === REPORT_FONT_FAMILY)?.styles;
		registerReportFont();
		registerReportFont();
		const after = GlobalFonts.families.find((f) => f.family === REPORT_FONT_FAMILY)?.styles;
		expect(after).toEqual(before);
	});
});

describe('line chart', () => {
	it('is a PNG of 1200×600 by default and of the asked size otherwise', async () => {
		expect(pngSize(await lineChartPng(line()))).toEqual({ width: 1200, height: 600 });
		expect(pngSize(await lineChartPng({ ...line(), width: 800, height: 450 }))).toEqual({
			width: 800,
			height: 450
		});
	});

	it('draws every text in the report font', async () => {
		fontsSet.clear();
		await lineChartPng(line('减负观测', { baselineIndex: 1 }));
		expect(fontsSet.size).toBeGreaterThan(0);
		for (const font of fontsSet) expect(font).toContain(REPORT_FONT_FAMILY);
	});

	it('draws Chinese glyphs, not blanks or identical boxes', async () => {
		const a = await lineChartPng(line('减负观测'));
		const b = await lineChartPng(line('基层治理'));
		const none = await lineChartPng(line(''));
		// Two different four-character titles render differently (tofu boxes would be identical)…
		expect(a.equals(b)).toBe(false);
		// …and the title band has ink when there is a title and none when there is not.
		expect(await darkPixels(a, 0, 50)).toBeGreaterThan(300);
		expect(await darkPixels(none, 0, 50)).toBe(0);
	});

	it('marks the baseline only when asked, and ignores an index off the axis', async () => {
		const without = await lineChartPng(line());
		expect((await lineChartPng(line(undefined, { baselineIndex: 2 }))).equals(without)).toBe(false);
		expect((await lineChartPng(line(undefined, { baselineIndex: 99 }))).equals(without)).toBe(true);
		expect((await lineChartPng(line(undefined, { baselineIndex: null }))).equals(without)).toBe(true);
	});

	it('puts a period label on two lines at the year', () => {
		expect(periodLines('2025年第1季度')).toEqual(['2025年', '第1季度']);
		expect(periodLines('2025年')).toBe('2025年');
		expect(periodLines('2025-Q1')).toBe('2025-Q1');
	});

	it('refuses an absurd size', async () => {
		await expect(lineChartPng({ ...line(), width: 0 })).rejects.toThrow(RangeError);
		await expect(lineChartPng({ ...line(), height: 100_000 })).rejects.toThrow(RangeError);
	});
});

describe('bar chart', () => {
	const spec = {
		title: '2026年第2季度 各市报送情况',
		labels: ['银川市', '石嘴山市', '吴忠市', '固原市', '中卫市'],
		unit: '个点位',
		series: [
			{ name: '按时报送', values: [320, 180, 260, 240, 200] },
			{ name: '逾期报送', values: [40, 22, 31, 55, 18] },
			{ name: '未报送', values: [12, 9, 20, 33, 6] }
		]
	};

	it('draws stacked and grouped bars as PNGs of the asked size, differently', async () => {
		const stacked = await barChartPng({ ...spec, stacked: true });
		const grouped = await barChartPng({ ...spec, width: 1000, height: 500 });
		expect(pngSize(stacked)).toEqual({ width: 1200, height: 600 });
		expect(pngSize(grouped)).toEqual({ width: 1000, height: 500 });
		expect(stacked.equals(await barChartPng(spec))).toBe(false);
	});

	it('draws every text in the report font and has a white background', async () => {
		fontsSet.clear();
		const png = await barChartPng({ ...spec, stacked: true });
		for (const font of fontsSet) expect(font).toContain(REPORT_FONT_FAMILY);
		const image = await loadImage(png);
		const canvas = createCanvas(image.width, image.height);
		const ctx = canvas.getContext('2d');
		ctx.drawImage(image, 0, 0);
		expect([...ctx.getImageData(2, 2, 1, 1).data]).toEqual([255, 255, 255, 255]);
	});
});
