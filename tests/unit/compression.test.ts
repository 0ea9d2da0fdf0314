// What a browser on a slow line receives from the compression hook: pages, JSON and CSV
// compressed in the encoding it accepts, streamed as they are produced, and everything that must
// not be touched (tiny, already encoded, a 304, a range, a PNG) passed through unchanged.
import { describe, expect, it } from 'vitest';
import zlib from 'node:zlib';
import { chooseEncoding, compressResponse, MIN_COMPRESS_BYTES } from '../../src/lib/server/compression';

const page =
	'<!doctype html><html><body>' +
	'<p>观测点 联络员 已保存在本机，联网后自动提交</p>'.repeat(200) +
	'</body></html>';

const get = (acceptEncoding: string | null, method = 'GET') =>
	new Request('http://x/points/1/rounds/2', {
		method,
		headers: acceptEncoding === null ? {} : { 'accept-encoding': acceptEncoding }
	});

const html = (body: BodyInit | null = page, init: ResponseInit = {}) =>
	new Response(body, {
		status: 200,
		...init,
		headers: { 'content-type': 'text/html', ...(init.headers ?? {}) }
	});

async function bytes(res: Response): Promise<Buffer> {
	return Buffer.from(await res.arrayBuffer());
}

describe('choosing an encoding', () => {
	it('prefers brotli, falls back to gzip, and honours q=0', () => {
		expect(chooseEncoding('gzip, deflate, br, zstd')).toBe('br');
		expect(chooseEncoding('gzip, deflate')).toBe('gzip');
		expect(chooseEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
		expect(chooseEncoding('identity')).toBeNull();
		expect(chooseEncoding('*;q=0')).toBeNull();
		expect(chooseEncoding('*')).toBe('br');
		expect(chooseEncoding(null)).toBeNull();
	});
});

describe('the compression hook', () => {
	it('sends a page brotli-compressed to a browser, a fraction of its size, and says it varies', async () => {
		const res = compressResponse(get('gzip, deflate, br'), html(page, { headers: { etag: '"abc"' } }));
		expect(res.headers.get('content-encoding')).toBe('br');
		expect(res.headers.get('vary')).toMatch(/Accept-Encoding/);
		expect(res.headers.get('content-length')).toBeNull();
		// Unchanged, so SvelteKit's own If-None-Match check still answers 304.
		expect(res.headers.get('etag')).toBe('"abc"');
		const body = await bytes(res);
		expect(zlib.brotliDecompressSync(body).toString()).toBe(page);
		expect(body.byteLength).toBeLessThan(Buffer.byteLength(page) / 10);
	});

	it('gzips JSON and CSV for a client that only takes gzip', async () => {
		const json = JSON.stringify({ rows: Array.from({ length: 300 }, (_, i) => ({ i, name: '宁夏' })) });
		const a = compressResponse(
			get('gzip'),
			new Response(json, { headers: { 'content-type': 'application/json' } })
		);
		expect(a.headers.get('content-encoding')).toBe('gzip');
		expect(zlib.gunzipSync(await bytes(a)).toString()).toBe(json);
		const csv = '点位,数量\n'.repeat(500);
		const b = compressResponse(
			get('gzip'),
			new Response(csv, {
				headers: {
					'content-type': 'text/csv; charset=utf-8',
					'content-disposition': 'attachment; filename="a.csv"'
				}
			})
		);
		expect(b.headers.get('content-encoding')).toBe('gzip');
		expect(b.headers.get('content-disposition')).toContain('a.csv');
		expect(zlib.gunzipSync(await bytes(b)).toString()).toBe(csv);
	});

	it('keeps a streamed body streaming: the first part arrives before the rest is produced', async () => {
		let release!: () => void;
		const later = new Promise<void>((r) => (release = r));
		const enc = new TextEncoder();
		const stream = new ReadableStream<Uint8Array>({
			async start(c) {
				c.enqueue(enc.encode('<p>first</p>'.repeat(200)));
				await later;
				c.enqueue(enc.encode('<p>second</p>'));
				c.close();
			}
		});
		const res = compressResponse(get('gzip'), html(stream));
		const reader = res.body!.getReader();
		const first = await reader.read();
		expect(first.done).toBe(false);
		// Still waiting for the second part, and yet the first is readable already.
		const inflate = zlib.createGunzip();
		const out: Buffer[] = [];
		inflate.on('data', (d: Buffer) => out.push(d));
		inflate.write(first.value);
		await new Promise((r) => setTimeout(r, 20));
		expect(Buffer.concat(out).toString()).toContain('<p>first</p>');
		release();
		for (let r = await reader.read(); !r.done; r = await reader.read()) inflate.write(r.value);
		inflate.end();
		await new Promise((r) => inflate.on('end', r));
		expect(Buffer.concat(out).toString()).toMatch(/<p>second<\/p>$/);
	});

	it('leaves alone what should not be compressed', async () => {
		const cases: [string, Request, Response][] = [
			['no Accept-Encoding', get(null), html()],
			[
				'tiny',
				get('br'),
				html('x'.repeat(MIN_COMPRESS_BYTES - 1), {
					headers: { 'content-length': String(MIN_COMPRESS_BYTES - 1) }
				})
			],
			['already encoded', get('br'), html(zlib.gzipSync(page), { headers: { 'content-encoding': 'gzip' } })],
			['a 304', get('br'), new Response(null, { status: 304, headers: { 'content-type': 'text/html' } })],
			[
				'a range',
				get('br'),
				html(page.slice(0, 2000), { status: 206, headers: { 'content-range': 'bytes 0-1999/9999' } })
			],
			[
				'a photo',
				get('br'),
				new Response(new Uint8Array(5000), { headers: { 'content-type': 'image/jpeg' } })
			],
			['a HEAD', get('br', 'HEAD'), html(null)],
			['no-transform', get('br'), html(page, { headers: { 'cache-control': 'no-transform' } })]
		];
		for (const [what, req, res] of cases) {
			const out = compressResponse(req, res);
			expect(out.headers.get('content-encoding'), what).toBe(res.headers.get('content-encoding'));
		}
		// Not compressed for want of an accepted encoding, but it would be for another client.
		expect(compressResponse(get(null), html()).headers.get('vary')).toMatch(/Accept-Encoding/);
		expect(
			compressResponse(get('gzip'), html(page, { headers: { vary: 'Cookie' } })).headers.get('vary')
		).toBe('Cookie, Accept-Encoding');
	});
});
