// Pages, JSON and CSV leave the server compressed when the browser accepts it (issue 13: on a
// 400 kbit/s village line the dashboard's 105 KB of HTML takes two seconds; gzipped, a fifth of
// one). Static files are not ours: adapter-node's sirv sends the .br/.gz made at build time
// (svelte.config.js `precompress`). The body is compressed as it streams, each chunk flushed as it
// comes, so a streamed page or a long CSV download starts arriving before it is complete.
import type { Handle } from '@sveltejs/kit';
import { pipeline, Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import zlib from 'node:zlib';

export type Encoding = 'br' | 'gzip';

/** Below this a response is sent as it is: the gzip frame would eat most of the gain. */
export const MIN_COMPRESS_BYTES = 1024;

const COMPRESSIBLE =
	/^(text\/(html|plain|csv|css|javascript|xml)|application\/(json|javascript|xml|manifest\+json|ld\+json)|image\/svg\+xml)\b/i;

/**
 * The encoding to answer `Accept-Encoding` with: brotli where offered, else gzip, never one the
 * client refused with `q=0`; null for neither.
 */
export function chooseEncoding(acceptEncoding: string | null): Encoding | null {
	if (!acceptEncoding) return null;
	const q = new Map<string, number>();
	for (const part of acceptEncoding.toLowerCase().split(',')) {
		const [name, ...params] = part.trim().split(';');
		if (!name) continue;
		const weight = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
		const value = weight ? Number(weight.slice(2)) : 1;
		q.set(name.trim(), Number.isFinite(value) ? value : 0);
	}
	const accepts = (name: Encoding) => (q.get(name) ?? q.get('*') ?? 0) > 0;
	if (accepts('br')) return 'br';
	if (accepts('gzip')) return 'gzip';
	return null;
}

function addVary(headers: Headers): void {
	const vary = headers.get('vary');
	if (!vary) headers.set('vary', 'Accept-Encoding');
	else if (!/(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(vary))
		headers.set('vary', `${vary}, Accept-Encoding`);
}

/** Whether this response's body could be sent compressed at all (before asking the client). */
function compressible(request: Request, response: Response): boolean {
	if (request.method === 'HEAD' || !response.body) return false;
	// 1xx, 204, 206 (a range), 304: no body to compress, or one whose bytes the client counts.
	if (response.status < 200 || response.status === 204 || response.status === 206 || response.status === 304)
		return false;
	const h = response.headers;
	if (h.has('content-encoding') || h.has('content-range')) return false;
	if (/\bno-transform\b/i.test(h.get('cache-control') ?? '')) return false;
	if (!COMPRESSIBLE.test(h.get('content-type') ?? '')) return false;
	const length = h.get('content-length');
	return length === null || Number(length) >= MIN_COMPRESS_BYTES;
}

function compressor(encoding: Encoding): zlib.Gzip | zlib.BrotliCompress {
	// Flushing after each chunk keeps a streamed response streaming; the cost is a few bytes a chunk.
	if (encoding === 'gzip') return zlib.createGzip({ level: 6, flush: zlib.constants.Z_SYNC_FLUSH });
	return zlib.createBrotliCompress({
		flush: zlib.constants.BROTLI_OPERATION_FLUSH,
		params: {
			// Quality 5 compresses a page in about a millisecond, close to gzip -9 in size; 11 is for build time.
			[zlib.constants.BROTLI_PARAM_QUALITY]: 5,
			[zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT
		}
	});
}

/** The response compressed for this request, or the response itself when that would not help. */
export function compressResponse(request: Request, response: Response): Response {
	if (!compressible(request, response)) return response;
	const encoding = chooseEncoding(request.headers.get('accept-encoding'));
	const headers = new Headers(response.headers);
	addVary(headers);
	if (!encoding) {
		try {
			response.headers.set('vary', headers.get('vary')!);
			return response;
		} catch {
			// Immutable headers (a proxied fetch): a copy with the same body.
			return new Response(response.body, {
				status: response.status,
				statusText: response.statusText,
				headers
			});
		}
	}
	headers.set('content-encoding', encoding);
	headers.delete('content-length');
	// The ETag stays as SvelteKit made it (of the page before encoding, told apart by Vary): SvelteKit
	// answers 304 after this hook by comparing If-None-Match with it, and a weakened tag never matches.
	const source = Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>);
	// pipeline tears both down together: a failed source, or a client that went away.
	const compressed = pipeline(source, compressor(encoding), () => undefined);
	const body = Readable.toWeb(compressed) as ReadableStream<Uint8Array>;
	return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

/** The hook: compresses whatever the handles after it answered. */
export const compression: Handle = async ({ event, resolve }) =>
	compressResponse(event.request, await resolve(event));
