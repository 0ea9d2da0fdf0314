// The declared pixel size, read from minimal headers built byte by byte: nothing is decoded.
import { describe, expect, it } from 'vitest';
import { tooManyPixels } from '../../src/lib/domain/photos';
import { imageDimensions, MalformedImageError } from '../../src/lib/server/registers/image-metadata';
import {
	jpegWithExif,
	PNG_SIGNATURE,
	pngChunk,
	pngWithText,
	riff,
	riffChunk,
	webpWithExif
} from '../helpers/images';

function png(width: number, height: number): Buffer {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8;
	ihdr[9] = 2;
	return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IEND', Buffer.alloc(0))]);
}

const segment = (marker: number, payload: number[]) =>
	Buffer.from([0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff, ...payload]);

/** SOI, APP0, a DHT (C4, which is not a frame header), then SOFn, SOS and EOI. */
function jpeg(sof: number, width: number, height: number): Buffer {
	return Buffer.concat([
		Buffer.from([0xff, 0xd8]),
		segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
		segment(0xc4, [0x00, ...new Array(16).fill(0)]),
		// Fill bytes before a marker are allowed.
		Buffer.from([0xff, 0xff]),
		segment(sof, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]),
		segment(0xda, [1, 1, 0, 0, 0x3f, 0]),
		Buffer.from([0x12, 0x34, 0xff, 0xd9])
	]);
}

function vp8l(width: number, height: number): Buffer {
	const b = Buffer.alloc(5);
	b[0] = 0x2f;
	b.writeUInt32LE(((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14), 1);
	return riffChunk('VP8L', b);
}

function vp8x(width: number, height: number): Buffer {
	const b = Buffer.alloc(10);
	b.writeUIntLE(width - 1, 4, 3);
	b.writeUIntLE(height - 1, 7, 3);
	return riffChunk('VP8X', b);
}

function vp8(width: number, height: number, scale = 0): Buffer {
	const b = Buffer.alloc(10);
	b.set([0x9d, 0x01, 0x2a], 3);
	b.writeUInt16LE(width | (scale << 14), 6);
	b.writeUInt16LE(height | (scale << 14), 8);
	return riffChunk('VP8 ', b);
}

const malformed = (run: () => unknown) => expect(run).toThrow(MalformedImageError);

describe('imageDimensions: PNG', () => {
	it('reads the width and height from IHDR', () => {
		expect(imageDimensions(pngWithText(), 'png')).toEqual({ width: 1, height: 1 });
		expect(imageDimensions(png(4032, 3024), 'png')).toEqual({ width: 4032, height: 3024 });
		expect(imageDimensions(png(100_000, 100_000), 'png')).toEqual({ width: 100_000, height: 100_000 });
	});

	it('refuses a zero side, a missing IHDR and a cut-off header', () => {
		malformed(() => imageDimensions(png(0, 10), 'png'));
		malformed(() =>
			imageDimensions(Buffer.concat([PNG_SIGNATURE, pngChunk('IEND', Buffer.alloc(0))]), 'png')
		);
		malformed(() => imageDimensions(png(10, 10).subarray(0, 20), 'png'));
	});
});

describe('imageDimensions: JPEG', () => {
	it('reads the frame header of baseline and progressive files, past APPn and DHT', () => {
		expect(imageDimensions(jpegWithExif(), 'jpeg')).toEqual({ width: 1, height: 1 });
		expect(imageDimensions(jpeg(0xc0, 4000, 3000), 'jpeg')).toEqual({ width: 4000, height: 3000 });
		expect(imageDimensions(jpeg(0xc2, 65_535, 65_535), 'jpeg')).toEqual({ width: 65_535, height: 65_535 });
	});

	it('refuses a file without a frame header before its scan, and a zero height', () => {
		const noFrame = Buffer.concat([
			Buffer.from([0xff, 0xd8]),
			segment(0xda, [1, 1, 0, 0, 0x3f, 0]),
			Buffer.from([0xff, 0xd9])
		]);
		malformed(() => imageDimensions(noFrame, 'jpeg'));
		// Height 0 means "given later by a DNL marker"; no browser needs that from a phone.
		malformed(() => imageDimensions(jpeg(0xc0, 640, 0), 'jpeg'));
		malformed(() => imageDimensions(jpeg(0xc0, 640, 480).subarray(0, 30), 'jpeg'));
	});
});

describe('imageDimensions: WebP', () => {
	it('reads lossless (VP8L), lossy (VP8) and extended (VP8X) headers', () => {
		expect(imageDimensions(webpWithExif(), 'webp')).toEqual({ width: 1, height: 1 });
		expect(imageDimensions(riff([vp8l(16_384, 100)]), 'webp')).toEqual({ width: 16_384, height: 100 });
		// The top two bits are the upscaling hint, not part of the size.
		expect(imageDimensions(riff([vp8(640, 480, 3)]), 'webp')).toEqual({ width: 640, height: 480 });
		expect(imageDimensions(riff([vp8x(100_000, 100_000), vp8l(1, 1)]), 'webp')).toEqual({
			width: 100_000,
			height: 100_000
		});
	});

	it('takes the larger of the canvas and the bitstream when they disagree', () => {
		expect(imageDimensions(riff([vp8x(1, 1), vp8l(16_000, 16_000)]), 'webp')).toEqual({
			width: 16_000,
			height: 16_000
		});
	});

	it('refuses a file without an image chunk, and a broken VP8 start code', () => {
		malformed(() => imageDimensions(riff([riffChunk('EXIF', Buffer.from('MM\0*'))]), 'webp'));
		const broken = vp8(10, 10);
		broken[8 + 3] = 0;
		malformed(() => imageDimensions(riff([broken]), 'webp'));
	});
});

describe('tooManyPixels', () => {
	it('allows up to 40 megapixels and 20,000 px a side, and no more', () => {
		expect(tooManyPixels(4032, 3024)).toBe(false);
		expect(tooManyPixels(20_000, 2_000)).toBe(false);
		expect(tooManyPixels(8_000, 5_000)).toBe(false);
		expect(tooManyPixels(20_001, 1)).toBe(true);
		expect(tooManyPixels(1, 20_001)).toBe(true);
		expect(tooManyPixels(8_000, 5_001)).toBe(true);
		expect(tooManyPixels(100_000, 100_000)).toBe(true);
	});
});
