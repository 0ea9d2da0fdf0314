import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
	detectImageType,
	exifOrientation,
	MalformedImageError,
	stripMetadata
} from '../../src/lib/server/registers/image-metadata';
import {
	crc32,
	exifApp1,
	JPEG_SCAN_TAIL,
	jpegWithApp1,
	jpegWithExif,
	PNG_SIGNATURE,
	pngChunk,
	pngWithText,
	riff,
	riffChunk,
	WEBP_EXIF_FLAG,
	WEBP_ICC_FLAG,
	WEBP_XMP_FLAG,
	webpWithExif
} from '../helpers/images';

const has = (bytes: Uint8Array, s: string) => Buffer.from(bytes).includes(Buffer.from(s, 'latin1'));

/** The markers before the scan, as a decoder would walk them. */
function jpegMarkers(bytes: Uint8Array): number[] {
	expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);
	const markers: number[] = [];
	let at = 2;
	for (;;) {
		expect(bytes[at]).toBe(0xff);
		const marker = bytes[at + 1];
		markers.push(marker);
		if (marker === 0xda) return markers;
		at += 2 + ((bytes[at + 2] << 8) | bytes[at + 3]);
	}
}

/** Every chunk after the signature, each CRC checked. */
function pngChunks(bytes: Uint8Array): { type: string; data: Buffer }[] {
	const b = Buffer.from(bytes);
	expect(b.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
	const chunks: { type: string; data: Buffer }[] = [];
	let at = 8;
	while (at < b.length) {
		const length = b.readUInt32BE(at);
		const type = b.toString('latin1', at + 4, at + 8);
		expect(b.readUInt32BE(at + 8 + length)).toBe(crc32(b.subarray(at + 4, at + 8 + length)));
		chunks.push({ type, data: b.subarray(at + 8, at + 8 + length) });
		at += 12 + length;
	}
	expect(at).toBe(b.length);
	return chunks;
}

/** The RIFF size checked against the length, then every chunk with its data. */
function webpChunks(bytes: Uint8Array): { fourcc: string; data: Buffer }[] {
	const b = Buffer.from(bytes);
	expect(b.toString('latin1', 0, 4)).toBe('RIFF');
	expect(b.readUInt32LE(4)).toBe(b.length - 8);
	expect(b.toString('latin1', 8, 12)).toBe('WEBP');
	const chunks: { fourcc: string; data: Buffer }[] = [];
	let at = 12;
	while (at < b.length) {
		const size = b.readUInt32LE(at + 4);
		chunks.push({ fourcc: b.toString('latin1', at, at + 4), data: b.subarray(at + 8, at + 8 + size) });
		at += 8 + size + (size % 2);
	}
	expect(at).toBe(b.length);
	return chunks;
}

describe('detectImageType', () => {
	it('knows JPEG, PNG and WebP by their magic numbers', () => {
		expect(detectImageType(jpegWithExif())).toBe('jpeg');
		expect(detectImageType(pngWithText())).toBe('png');
		expect(detectImageType(webpWithExif())).toBe('webp');
	});

	it('ignores what a file claims to be and looks only at the bytes', () => {
		expect(detectImageType(Buffer.from('not really a picture.jpg'))).toBeNull();
		expect(detectImageType(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'))).toBeNull();
		expect(detectImageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
		// A RIFF file that is not WebP (a WAV) is not an image.
		expect(detectImageType(Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'))).toBeNull();
	});

	it('refuses files too short to carry a whole magic number', () => {
		expect(detectImageType(new Uint8Array())).toBeNull();
		expect(detectImageType(Uint8Array.from([0xff, 0xd8]))).toBeNull();
		expect(detectImageType(PNG_SIGNATURE.subarray(0, 7))).toBeNull();
		expect(detectImageType(Buffer.from('RIFF\0\0\0\0WEB', 'latin1'))).toBeNull();
	});
});

describe('stripMetadata on JPEG', () => {
	it('drops the Exif (with its GPS), IPTC and comment segments', () => {
		const original = jpegWithExif();
		expect(has(original, 'GPS')).toBe(true);
		const clean = stripMetadata(original, 'jpeg');
		expect(has(clean, 'GPS')).toBe(false);
		expect(has(clean, 'Exif')).toBe(false);
		expect(has(clean, 'Photoshop')).toBe(false);
		expect(has(clean, 'taken at home')).toBe(false);
	});

	it('keeps every other segment and the scan byte for byte', () => {
		const clean = Buffer.from(stripMetadata(jpegWithExif(), 'jpeg'));
		expect(jpegMarkers(clean)).toEqual([0xe0, 0xdb, 0xc0, 0xc4, 0xda]);
		expect(clean.subarray(clean.length - JPEG_SCAN_TAIL.length).equals(JPEG_SCAN_TAIL)).toBe(true);
		expect(has(clean, 'JFIF\0')).toBe(true);
	});

	it('leaves a JPEG without metadata unchanged', () => {
		const once = stripMetadata(jpegWithExif(), 'jpeg');
		expect(Buffer.from(stripMetadata(once, 'jpeg')).equals(Buffer.from(once))).toBe(true);
	});

	it('leaves out whatever follows EOI, such as the video of a motion photo', () => {
		const trailer = Buffer.from('\0\0\0\x18ftypmp42 moov udta \xa9xyz+38.4872+106.2309/', 'latin1');
		const clean = Buffer.from(stripMetadata(Buffer.concat([jpegWithExif(), trailer]), 'jpeg'));
		expect(has(clean, 'ftyp')).toBe(false);
		expect(has(clean, '+38.4872')).toBe(false);
		expect(clean.subarray(clean.length - JPEG_SCAN_TAIL.length).equals(JPEG_SCAN_TAIL)).toBe(true);
	});

	it('walks every scan of a progressive JPEG, keeping tables and dropping comments between scans', () => {
		const scan = (data: number[]) =>
			Buffer.from([0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00, ...data]);
		// A table whose last byte is 0xFF, which must not be taken for a marker.
		const dht = Buffer.from([0xff, 0xc4, 0x00, 0x14, 0x10, ...new Array(16).fill(0), 0xff]);
		const comment = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x05]), Buffer.from('GPS', 'latin1')]);
		const progressive = Buffer.concat([
			jpegWithExif().subarray(0, jpegWithExif().length - JPEG_SCAN_TAIL.length),
			scan([0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56]),
			dht,
			comment,
			scan([0x78, 0xff, 0x00]),
			Buffer.from([0xff, 0xd9])
		]);
		const clean = Buffer.from(stripMetadata(progressive, 'jpeg'));
		expect(has(clean, 'GPS')).toBe(false);
		const tail = Buffer.concat([
			scan([0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56]),
			dht,
			scan([0x78, 0xff, 0x00]),
			Buffer.from([0xff, 0xd9])
		]);
		expect(clean.subarray(clean.length - tail.length).equals(tail)).toBe(true);
	});

	it('keeps a JPEG cut short inside its scan as it is', () => {
		const cut = jpegWithExif().subarray(0, jpegWithExif().length - 2);
		const clean = Buffer.from(stripMetadata(cut, 'jpeg'));
		const scanStart = JPEG_SCAN_TAIL.subarray(0, JPEG_SCAN_TAIL.length - 2);
		expect(clean.subarray(clean.length - scanStart.length).equals(scanStart)).toBe(true);
	});

	it('refuses a JPEG whose segments cannot be followed', () => {
		const original = jpegWithExif();
		expect(() => stripMetadata(original.subarray(0, 30), 'jpeg')).toThrow(MalformedImageError);
		const garbled = Buffer.from(original);
		garbled[2] = 0x00; // the first marker is no marker
		expect(() => stripMetadata(garbled, 'jpeg')).toThrow(MalformedImageError);
		expect(() => stripMetadata(Buffer.from([0xff, 0xd8, 0xff, 0xd9]), 'jpeg')).toThrow(MalformedImageError);
	});
});

describe('the orientation of a JPEG', () => {
	// 6 is "rotate 90° clockwise", what a phone writes for a portrait shot.
	const latitude = (order: 'II' | 'MM') => {
		const b = Buffer.alloc(4);
		if (order === 'II') b.writeUInt32LE(1392);
		else b.writeUInt32BE(1392);
		return b;
	};

	for (const order of ['II', 'MM'] as const) {
		it(`is read from IFD0 of ${order === 'II' ? 'little' : 'big'}-endian Exif`, () => {
			const payload = exifApp1({ orientation: 6, order }).subarray(4);
			expect(exifOrientation(payload)).toBe(6);
			expect(exifOrientation(exifApp1({ order }).subarray(4))).toBeNull();
		});

		it(`survives alone in a new Exif when the ${order} Exif with GPS is dropped`, () => {
			const original = jpegWithApp1(exifApp1({ orientation: 6, order }));
			expect(original.includes(latitude(order))).toBe(true);
			const clean = Buffer.from(stripMetadata(original, 'jpeg'));
			expect(jpegMarkers(clean)).toEqual([0xe1, 0xdb, 0xc0, 0xda]);
			expect(has(clean, 'HUAWEI')).toBe(false);
			expect(clean.includes(latitude(order))).toBe(false);
			const app1 = clean.subarray(2, 2 + 2 + clean.readUInt16BE(4));
			expect(app1.length).toBe(36);
			expect(exifOrientation(app1.subarray(4))).toBe(6);
			expect(clean.subarray(clean.length - JPEG_SCAN_TAIL.length).equals(JPEG_SCAN_TAIL)).toBe(true);
		});
	}

	it('is not kept when it says the picture is upright, or when there is none', () => {
		for (const app1 of [exifApp1({ orientation: 1 }), exifApp1()]) {
			const clean = stripMetadata(jpegWithApp1(app1), 'jpeg');
			expect(jpegMarkers(clean)).toEqual([0xdb, 0xc0, 0xda]);
		}
	});

	it('ignores XMP and values out of range', () => {
		expect(exifOrientation(Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>', 'latin1'))).toBeNull();
		expect(exifOrientation(exifApp1({ orientation: 9 }).subarray(4))).toBeNull();
		expect(exifOrientation(exifApp1({ orientation: 6 }).subarray(4, 20))).toBeNull();
	});
});

describe('stripMetadata on PNG', () => {
	it('drops the text, time and Exif chunks and keeps the image chunks with valid CRCs', () => {
		const original = pngWithText();
		expect(has(original, 'Zhang San')).toBe(true);
		const clean = stripMetadata(original, 'png');
		const chunks = pngChunks(clean);
		expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
		expect(has(clean, 'Zhang San')).toBe(false);
		expect(has(clean, 'GPS')).toBe(false);
		// The pixels still inflate to the one red pixel.
		expect([...inflateSync(chunks[1].data)]).toEqual([0, 255, 0, 0]);
	});

	it('leaves out anything after IEND', () => {
		const padded = Buffer.concat([pngWithText(), Buffer.from('GPS hidden after the end')]);
		const clean = stripMetadata(padded, 'png');
		expect(has(clean, 'GPS')).toBe(false);
		expect(pngChunks(clean).at(-1)?.type).toBe('IEND');
	});

	it('refuses a PNG cut short or without IHDR first', () => {
		const original = pngWithText();
		expect(() => stripMetadata(original.subarray(0, original.length - 6), 'png')).toThrow(
			MalformedImageError
		);
		const noHeader = Buffer.concat([PNG_SIGNATURE, pngChunk('IEND', Buffer.alloc(0))]);
		expect(() => stripMetadata(noHeader, 'png')).toThrow(MalformedImageError);
	});
});

describe('stripMetadata on WebP', () => {
	it('drops the EXIF and XMP chunks, clears their flags and fixes the RIFF size', () => {
		const original = webpWithExif();
		const clean = stripMetadata(original, 'webp');
		const chunks = webpChunks(clean);
		expect(chunks.map((c) => c.fourcc)).toEqual(['VP8X', 'ICCP', 'VP8L']);
		expect(has(clean, 'GPS')).toBe(false);
		const flags = chunks[0].data[0];
		expect(flags & WEBP_EXIF_FLAG).toBe(0);
		expect(flags & WEBP_XMP_FLAG).toBe(0);
		expect(flags & WEBP_ICC_FLAG).toBe(WEBP_ICC_FLAG);
		// The canvas size and the bitstream are untouched.
		const originalChunks = webpChunks(original);
		expect(chunks[0].data.subarray(1).equals(originalChunks[0].data.subarray(1))).toBe(true);
		expect(chunks[2].data.equals(originalChunks[2].data)).toBe(true);
	});

	it('leaves a simple WebP without metadata unchanged', () => {
		const simple = riff([riffChunk('VP8L', Buffer.from([0x2f, 0, 0, 0, 0, 0x07, 0x10, 0x11]))]);
		expect(Buffer.from(stripMetadata(simple, 'webp')).equals(simple)).toBe(true);
	});

	it('refuses a WebP whose chunks run past its RIFF size', () => {
		const original = webpWithExif();
		const lying = Buffer.from(original);
		lying.writeUInt32LE(original.length, 4);
		expect(() => stripMetadata(lying, 'webp')).toThrow(MalformedImageError);
		const cut = Buffer.from(original.subarray(0, 40));
		cut.writeUInt32LE(cut.length - 8, 4);
		expect(() => stripMetadata(cut, 'webp')).toThrow(MalformedImageError);
	});
});
