// Evidence photos are taken on phones, whose files carry the place they were taken (GPS in Exif),
// the device and sometimes the owner's name. These pure functions find the real type from the
// bytes and drop those blocks, leaving the picture itself byte for byte; no image library decodes
// anything, so a hostile file never reaches a native decoder on the server.

export type ImageType = 'jpeg' | 'png' | 'webp';

export const imageMime = {
	jpeg: 'image/jpeg',
	png: 'image/png',
	webp: 'image/webp'
} as const satisfies Record<ImageType, string>;

export const imageExtension = {
	jpeg: 'jpg',
	png: 'png',
	webp: 'webp'
} as const satisfies Record<ImageType, string>;

/** The file claims a type by its magic number but its structure cannot be walked. */
export class MalformedImageError extends Error {
	constructor(type: ImageType, reason: string) {
		super(`malformed ${type}: ${reason}`);
		this.name = 'MalformedImageError';
	}
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, at: number, expected: readonly number[]): boolean {
	if (bytes.length < at + expected.length) return false;
	return expected.every((b, i) => bytes[at + i] === b);
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
	return String.fromCharCode(...bytes.subarray(at, at + length));
}

/** The type from the magic number only; the name and the browser's content type are never trusted. */
export function detectImageType(bytes: Uint8Array): ImageType | null {
	if (startsWith(bytes, 0, [0xff, 0xd8, 0xff])) return 'jpeg';
	if (startsWith(bytes, 0, PNG_SIGNATURE)) return 'png';
	if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'webp';
	return null;
}

/**
 * A copy without location and other metadata: JPEG APP1 (Exif, XMP), APP13 (IPTC) and COM
 * segments and anything after EOI; PNG eXIf, tEXt, zTXt, iTXt and tIME chunks and anything after
 * IEND; WebP EXIF and XMP chunks (with their VP8X flags cleared). Everything else is kept byte for
 * byte, except that a JPEG turned by its Exif keeps a new, minimal Exif with only the Orientation
 * tag. Throws MalformedImageError when the structure cannot be followed, since then there is no
 * telling what is left in the file.
 */
export function stripMetadata(bytes: Uint8Array, type: ImageType): Uint8Array {
	switch (type) {
		case 'jpeg':
			return stripJpeg(bytes);
		case 'png':
			return stripPng(bytes);
		case 'webp':
			return stripWebp(bytes);
	}
}

function concat(parts: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}

const JPEG_DROPPED = new Set([0xe1 /* APP1 */, 0xed /* APP13 */, 0xfe /* COM */]);

// The segment list is walked to EOI, scans included (a progressive JPEG has several, with tables
// between them), so metadata between scans is dropped too and anything after EOI (the video of a
// phone's "motion photo", vendor trailers) is left out. A dropped Exif that turned the picture
// comes back as a new APP1 holding only the Orientation tag.
function stripJpeg(bytes: Uint8Array): Uint8Array {
	const bad = (reason: string) => new MalformedImageError('jpeg', reason);
	if (!startsWith(bytes, 0, [0xff, 0xd8])) throw bad('no SOI marker');
	const parts: Uint8Array[] = [bytes.subarray(0, 2)];
	let orientationKept = false;
	let seenScan = false;
	let at = 2;
	for (;;) {
		if (at >= bytes.length) {
			// Cut short after a scan: browsers show what there is, so keep it.
			if (seenScan) return concat(parts);
			throw bad('ended before the first scan');
		}
		if (bytes[at] !== 0xff) throw bad(`expected a marker at ${at}`);
		// Any number of 0xFF fill bytes may precede a marker.
		let markerAt = at;
		while (markerAt + 1 < bytes.length && bytes[markerAt + 1] === 0xff) markerAt++;
		if (markerAt + 1 >= bytes.length) throw bad('ended inside a marker');
		const marker = bytes[markerAt + 1];
		const afterMarker = markerAt + 2;
		if (marker === 0xd9 /* EOI */) {
			if (!seenScan) throw bad('no scan before the end');
			parts.push(bytes.subarray(markerAt, afterMarker));
			return concat(parts);
		}
		// TEM and RSTn stand alone, without a length.
		if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
			parts.push(bytes.subarray(markerAt, afterMarker));
			at = afterMarker;
			continue;
		}
		if (afterMarker + 2 > bytes.length) throw bad('ended inside a segment length');
		const length = (bytes[afterMarker] << 8) | bytes[afterMarker + 1];
		if (length < 2) throw bad(`segment length ${length}`);
		const end = afterMarker + length;
		if (end > bytes.length) throw bad('segment runs past the end');
		if (marker === 0xda /* SOS */) {
			const dataEnd = entropyCodedEnd(bytes, end);
			parts.push(bytes.subarray(markerAt, dataEnd));
			seenScan = true;
			at = dataEnd;
			continue;
		}
		if (!JPEG_DROPPED.has(marker)) parts.push(bytes.subarray(markerAt, end));
		else if (marker === 0xe1 && !orientationKept) {
			const orientation = exifOrientation(bytes.subarray(afterMarker + 2, end));
			if (orientation != null && orientation !== 1) {
				parts.push(orientationOnlyApp1(orientation));
				orientationKept = true;
			}
		}
		at = end;
	}
}

// Inside a scan 0xFF is always followed by 0x00 (a stuffed byte) or a restart marker; any other
// pair is the next marker.
function entropyCodedEnd(bytes: Uint8Array, from: number): number {
	let i = from;
	while (i + 1 < bytes.length) {
		if (bytes[i] !== 0xff) i++;
		else if (bytes[i + 1] === 0x00 || (bytes[i + 1] >= 0xd0 && bytes[i + 1] <= 0xd7)) i += 2;
		else return i;
	}
	return bytes.length;
}

/**
 * The Orientation tag (0x0112) from IFD0 of an APP1 Exif payload, or null when there is none or
 * the payload is not Exif. Phones store portrait shots sideways and rely on this tag, so it is the
 * one piece of Exif worth keeping; it says nothing about where, when or by whom.
 */
export function exifOrientation(payload: Uint8Array): number | null {
	if (payload.length < 14 || ascii(payload, 0, 6) !== 'Exif\0\0') return null;
	const tiff = new DataView(payload.buffer, payload.byteOffset + 6, payload.byteLength - 6);
	const order = ascii(payload, 6, 2);
	if (order !== 'II' && order !== 'MM') return null;
	const little = order === 'II';
	if (tiff.getUint16(2, little) !== 42) return null;
	const ifd = tiff.getUint32(4, little);
	if (ifd + 2 > tiff.byteLength) return null;
	const count = tiff.getUint16(ifd, little);
	for (let i = 0; i < count; i++) {
		const entry = ifd + 2 + i * 12;
		if (entry + 12 > tiff.byteLength) return null;
		if (tiff.getUint16(entry, little) !== 0x0112) continue;
		// SHORT, one value, held in the first two bytes of the value field.
		if (tiff.getUint16(entry + 2, little) !== 3 || tiff.getUint32(entry + 4, little) !== 1) return null;
		const value = tiff.getUint16(entry + 8, little);
		return value >= 1 && value <= 8 ? value : null;
	}
	return null;
}

/** A fresh APP1 segment whose Exif holds the orientation and nothing else. */
function orientationOnlyApp1(orientation: number): Uint8Array {
	const segment = new Uint8Array(36);
	const view = new DataView(segment.buffer);
	view.setUint16(0, 0xffe1);
	view.setUint16(2, segment.length - 2);
	segment.set([0x45, 0x78, 0x69, 0x66, 0, 0], 4); // Exif\0\0
	segment.set([0x4d, 0x4d], 10); // big-endian TIFF
	view.setUint16(12, 42);
	view.setUint32(14, 8); // IFD0 right after the TIFF header
	view.setUint16(18, 1); // one entry
	view.setUint16(20, 0x0112);
	view.setUint16(22, 3); // SHORT
	view.setUint32(24, 1);
	view.setUint16(28, orientation);
	view.setUint32(32, 0); // no next IFD
	return segment;
}

const PNG_DROPPED = new Set(['eXIf', 'tEXt', 'zTXt', 'iTXt', 'tIME']);

// Each chunk carries its own CRC over type and data, so dropping whole chunks keeps the rest valid.
// Anything after IEND is not part of the image and is left out.
function stripPng(bytes: Uint8Array): Uint8Array {
	const bad = (reason: string) => new MalformedImageError('png', reason);
	if (!startsWith(bytes, 0, PNG_SIGNATURE)) throw bad('no signature');
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const parts: Uint8Array[] = [bytes.subarray(0, 8)];
	let at = 8;
	let first = true;
	for (;;) {
		if (at + 12 > bytes.length) throw bad('ended before IEND');
		const length = view.getUint32(at);
		const chunkType = ascii(bytes, at + 4, 4);
		if (!/^[A-Za-z]{4}$/.test(chunkType)) throw bad(`chunk type at ${at}`);
		if (first && chunkType !== 'IHDR') throw bad('IHDR is not the first chunk');
		first = false;
		const end = at + 12 + length;
		if (end > bytes.length) throw bad(`${chunkType} runs past the end`);
		if (!PNG_DROPPED.has(chunkType)) parts.push(bytes.subarray(at, end));
		at = end;
		if (chunkType === 'IEND') return concat(parts);
	}
}

const WEBP_DROPPED = new Set(['EXIF', 'XMP ']);
const VP8X_EXIF_FLAG = 0x08;
const VP8X_XMP_FLAG = 0x04;

// RIFF chunks are padded to an even size; the RIFF size counts 'WEBP' and every chunk after it.
// Trailing bytes past the declared RIFF size are not part of the file and are left out.
function stripWebp(bytes: Uint8Array): Uint8Array {
	const bad = (reason: string) => new MalformedImageError('webp', reason);
	if (bytes.length < 12 || ascii(bytes, 0, 4) !== 'RIFF' || ascii(bytes, 8, 4) !== 'WEBP')
		throw bad('no header');
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const riffEnd = 8 + view.getUint32(4, true);
	if (riffEnd > bytes.length) throw bad('RIFF size runs past the end');
	const chunks: Uint8Array[] = [];
	let at = 12;
	while (at < riffEnd) {
		if (at + 8 > riffEnd) throw bad(`ended inside a chunk header at ${at}`);
		const fourcc = ascii(bytes, at, 4);
		const size = view.getUint32(at + 4, true);
		const end = at + 8 + size + (size % 2);
		if (end > riffEnd) throw bad(`${fourcc} runs past the end`);
		if (WEBP_DROPPED.has(fourcc)) {
			at = end;
			continue;
		}
		if (fourcc === 'VP8X') {
			if (size < 10) throw bad('VP8X too short');
			const copy = bytes.slice(at, end);
			copy[8] &= ~(VP8X_EXIF_FLAG | VP8X_XMP_FLAG) & 0xff;
			chunks.push(copy);
		} else {
			chunks.push(bytes.subarray(at, end));
		}
		at = end;
	}
	if (chunks.length === 0) throw bad('no image chunk');
	const body = concat(chunks);
	const header = new Uint8Array(12);
	header.set(bytes.subarray(0, 4), 0);
	new DataView(header.buffer).setUint32(4, 4 + body.length, true);
	header.set(bytes.subarray(8, 12), 8);
	return concat([header, body]);
}

export interface ImageSize {
	width: number;
	height: number;
}

/**
 * The pixel size the file declares in its header (PNG IHDR, JPEG SOFn, WebP VP8X canvas or the
 * VP8 / VP8L bitstream), without decoding anything. A browser allocates memory for this size
 * before it draws a pixel, so a tiny file declaring 100000×100000 is a bomb for whoever views it.
 * Throws MalformedImageError when no size is found or a side is zero.
 */
export function imageDimensions(bytes: Uint8Array, type: ImageType): ImageSize {
	const size = type === 'png' ? pngSize(bytes) : type === 'jpeg' ? jpegSize(bytes) : webpSize(bytes);
	if (size.width === 0 || size.height === 0)
		throw new MalformedImageError(type, `declares ${size.width}×${size.height} pixels`);
	return size;
}

function pngSize(bytes: Uint8Array): ImageSize {
	// The signature, then IHDR's length (always 13) and type, then width and height.
	if (!startsWith(bytes, 0, PNG_SIGNATURE) || bytes.length < 24 || ascii(bytes, 12, 4) !== 'IHDR')
		throw new MalformedImageError('png', 'no IHDR');
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	if (view.getUint32(8) !== 13) throw new MalformedImageError('png', 'IHDR length');
	return { width: view.getUint32(16), height: view.getUint32(20) };
}

// SOF0–SOF15 carry the frame size, except C4 (DHT), C8 (reserved) and CC (DAC).
const isSof = (marker: number) =>
	marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

function jpegSize(bytes: Uint8Array): ImageSize {
	const bad = (reason: string) => new MalformedImageError('jpeg', reason);
	if (!startsWith(bytes, 0, [0xff, 0xd8])) throw bad('no SOI marker');
	let at = 2;
	// The frame header comes before the first scan; nothing past SOS needs walking.
	for (;;) {
		while (at < bytes.length && bytes[at] === 0xff && bytes[at + 1] === 0xff) at++;
		if (at + 4 > bytes.length || bytes[at] !== 0xff) throw bad('no frame header');
		const marker = bytes[at + 1];
		if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
			at += 2;
			continue;
		}
		if (marker === 0xda || marker === 0xd9) throw bad('no frame header before the scan');
		const length = (bytes[at + 2] << 8) | bytes[at + 3];
		if (length < 2) throw bad(`segment length ${length}`);
		if (isSof(marker)) {
			// Length, precision, then height and width, big-endian.
			if (length < 7 || at + 9 > bytes.length) throw bad('frame header cut short');
			return { height: (bytes[at + 5] << 8) | bytes[at + 6], width: (bytes[at + 7] << 8) | bytes[at + 8] };
		}
		at += 2 + length;
	}
}

const u24le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8) | (b[at + 2] << 16);

// The largest width and height any top-level image chunk declares: the VP8X canvas, and the
// bitstream's own size too, since a decoder may size its buffers by either.
function webpSize(bytes: Uint8Array): ImageSize {
	const bad = (reason: string) => new MalformedImageError('webp', reason);
	if (bytes.length < 12 || ascii(bytes, 0, 4) !== 'RIFF' || ascii(bytes, 8, 4) !== 'WEBP')
		throw bad('no header');
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const end = Math.min(bytes.length, 8 + view.getUint32(4, true));
	let found = false;
	let width = 0;
	let height = 0;
	const seen = (w: number, h: number) => {
		found = true;
		width = Math.max(width, w);
		height = Math.max(height, h);
	};
	for (let at = 12; at + 8 <= end;) {
		const fourcc = ascii(bytes, at, 4);
		const size = view.getUint32(at + 4, true);
		const data = at + 8;
		if (fourcc === 'VP8X') {
			if (size < 10 || data + 10 > end) throw bad('VP8X too short');
			seen(u24le(bytes, data + 4) + 1, u24le(bytes, data + 7) + 1);
		} else if (fourcc === 'VP8L') {
			if (size < 5 || data + 5 > end || bytes[data] !== 0x2f) throw bad('VP8L header');
			// 14 bits each of width-1 and height-1, little-endian, after the signature byte.
			const bits = view.getUint32(data + 1, true);
			seen((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
		} else if (fourcc === 'VP8 ') {
			// A 3-byte frame tag, the start code 9D 01 2A, then 14-bit width and height.
			if (size < 10 || data + 10 > end || !startsWith(bytes, data + 3, [0x9d, 0x01, 0x2a]))
				throw bad('VP8 header');
			seen(view.getUint16(data + 6, true) & 0x3fff, view.getUint16(data + 8, true) & 0x3fff);
		}
		at = data + size + (size % 2);
	}
	if (!found) throw bad('no image chunk');
	return { width, height };
}
