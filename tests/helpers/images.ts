// Tiny images built byte by byte, with the metadata a phone would add, for the photo tests.
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

export function crc32(bytes: Uint8Array): number {
	let c = 0xffffffff;
	for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

const text = (s: string) => Buffer.from(s, 'latin1');

function u16be(n: number): Buffer {
	const b = Buffer.alloc(2);
	b.writeUInt16BE(n);
	return b;
}

function u32le(n: number): Buffer {
	const b = Buffer.alloc(4);
	b.writeUInt32LE(n);
	return b;
}

function jpegSegment(marker: number, payload: Buffer): Buffer {
	return Buffer.concat([Buffer.from([0xff, marker]), u16be(payload.length + 2), payload]);
}

/** The entropy-coded part and EOI; kept apart so tests can check it survives byte for byte. */
export const JPEG_SCAN_TAIL = Buffer.from([
	0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00, 0xd2, 0xcf, 0x20, 0xff, 0x00, 0xe1, 0xff, 0xd9
]);

/**
 * SOI, APP0 (JFIF), APP1 (Exif with a GPS IFD), DQT, APP13 (IPTC), COM, SOF0, DHT, then the scan.
 * The scan data holds 0xFF 0x00 0xE1 on purpose: a stuffed byte that looks like APP1 must be kept.
 */
export function jpegWithExif(): Buffer {
	return Buffer.concat([
		Buffer.from([0xff, 0xd8]),
		jpegSegment(0xe0, Buffer.concat([text('JFIF\0'), Buffer.from([1, 1, 0, 0, 1, 0, 1, 0, 0])])),
		jpegSegment(
			0xe1,
			Buffer.concat([text('Exif\0\0MM\0*'), text('GPSLatitude 38.4872N GPSLongitude 106.2309E')])
		),
		jpegSegment(0xdb, Buffer.concat([Buffer.from([0x00]), Buffer.alloc(64, 1)])),
		jpegSegment(0xed, text('Photoshop 3.0\0 8BIM IPTC by 张三')),
		jpegSegment(0xfe, text('taken at home')),
		jpegSegment(0xc0, Buffer.from([8, 0, 1, 0, 1, 1, 1, 0x11, 0])),
		jpegSegment(0xc4, Buffer.concat([Buffer.from([0x00]), Buffer.alloc(16, 0), Buffer.from([])])),
		JPEG_SCAN_TAIL
	]);
}

export function pngChunk(type: string, data: Buffer): Buffer {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const typed = Buffer.concat([text(type), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(typed));
	return Buffer.concat([length, typed, crc]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A real 1×1 red PNG with tEXt, tIME, eXIf and iTXt chunks around its IDAT. */
export function pngWithText(): Buffer {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(1, 0);
	ihdr.writeUInt32BE(1, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 2; // truecolour
	return Buffer.concat([
		PNG_SIGNATURE,
		pngChunk('IHDR', ihdr),
		pngChunk('tEXt', text('Author\0Zhang San')),
		pngChunk('tIME', Buffer.from([0x07, 0xea, 11, 22, 3, 4, 5])),
		pngChunk('eXIf', text('MM\0*GPSLatitude')),
		pngChunk('IDAT', deflateSync(Buffer.from([0, 255, 0, 0]))),
		pngChunk('iTXt', text('Location\0\0\0\0\0Yinchuan GPS')),
		pngChunk('IEND', Buffer.alloc(0))
	]);
}

export function riffChunk(fourcc: string, data: Buffer): Buffer {
	const pad = data.length % 2 ? Buffer.from([0]) : Buffer.alloc(0);
	return Buffer.concat([text(fourcc), u32le(data.length), data, pad]);
}

export function riff(chunks: Buffer[]): Buffer {
	const body = Buffer.concat([text('WEBP'), ...chunks]);
	return Buffer.concat([text('RIFF'), u32le(body.length), body]);
}

export const WEBP_EXIF_FLAG = 0x08;
export const WEBP_XMP_FLAG = 0x04;
export const WEBP_ICC_FLAG = 0x20;

/** An extended WebP (VP8X with ICC, EXIF and XMP flags) holding ICCP, VP8L, EXIF and XMP chunks. */
export function webpWithExif(): Buffer {
	// flags, 3 reserved bytes, canvas width-1 and height-1 (24 bits each): a 1×1 canvas.
	const vp8x = Buffer.from([WEBP_ICC_FLAG | WEBP_EXIF_FLAG | WEBP_XMP_FLAG, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
	// A 1×1 lossless bitstream (signature 0x2f); odd length, so the chunk is padded.
	const vp8l = Buffer.from([
		0x2f, 0x00, 0x00, 0x00, 0x00, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07, 0x00, 0x00
	]);
	return riff([
		riffChunk('VP8X', vp8x),
		riffChunk('ICCP', text('fake icc profile')),
		riffChunk('VP8L', vp8l),
		riffChunk('EXIF', text('MM\0*GPSLatitude 38.48')),
		riffChunk('XMP ', text('<x:xmpmeta>GPS</x:xmpmeta>'))
	]);
}

/**
 * An APP1 Exif segment as a phone writes it: IFD0 with Make, Orientation and a GPS IFD pointer,
 * the GPS IFD with latitude ref and value, in either byte order.
 */
export function exifApp1(options: { orientation?: number; order?: 'II' | 'MM'; make?: string } = {}): Buffer {
	const little = (options.order ?? 'II') === 'II';
	const make = Buffer.from(`${options.make ?? 'HUAWEI'}\0`, 'latin1');
	const u16 = (n: number) => {
		const b = Buffer.alloc(2);
		if (little) b.writeUInt16LE(n);
		else b.writeUInt16BE(n);
		return b;
	};
	const u32 = (n: number) => {
		const b = Buffer.alloc(4);
		if (little) b.writeUInt32LE(n);
		else b.writeUInt32BE(n);
		return b;
	};
	const entry = (tag: number, type: number, count: number, value: Buffer) =>
		Buffer.concat([u16(tag), u16(type), u32(count), Buffer.concat([value, Buffer.alloc(4 - value.length)])]);
	const ifd0Entries = [
		(makeAt: number) => entry(0x010f, 2, make.length, u32(makeAt)),
		...(options.orientation != null ? [() => entry(0x0112, 3, 1, u16(options.orientation!))] : []),
		(_: number, gpsAt: number) => entry(0x8825, 4, 1, u32(gpsAt))
	];
	const ifd0At = 8;
	const ifd0Size = 2 + ifd0Entries.length * 12 + 4;
	const makeAt = ifd0At + ifd0Size;
	const gpsAt = makeAt + make.length + (make.length % 2);
	const gpsSize = 2 + 2 * 12 + 4;
	const latitudeAt = gpsAt + gpsSize;
	const tiff = Buffer.concat([
		Buffer.from(little ? 'II' : 'MM', 'latin1'),
		u16(42),
		u32(ifd0At),
		u16(ifd0Entries.length),
		...ifd0Entries.map((e) => e(makeAt, gpsAt)),
		u32(0),
		make,
		Buffer.alloc(make.length % 2),
		u16(2),
		entry(0x0001, 2, 2, Buffer.from('N\0', 'latin1')),
		entry(0x0002, 5, 3, u32(latitudeAt)),
		u32(0),
		// 38° 29' 13.92" as three rationals
		...[38, 1, 29, 1, 1392, 100].map(u32)
	]);
	return jpegSegment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]));
}

/** A minimal JPEG whose only metadata is the given APP1 segment. */
export function jpegWithApp1(app1: Buffer): Buffer {
	return Buffer.concat([
		Buffer.from([0xff, 0xd8]),
		app1,
		jpegSegment(0xdb, Buffer.concat([Buffer.from([0x00]), Buffer.alloc(64, 1)])),
		jpegSegment(0xc0, Buffer.from([8, 0, 1, 0, 1, 1, 1, 0x11, 0])),
		JPEG_SCAN_TAIL
	]);
}
