// `npm start`: the built app (adapter-node's handler) behind our own http server, so that every
// response carries the security headers (static files and SvelteKit's own refusals included,
// which the hooks never see) and an oversized request gets 414/431 with a message, not a reset.
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
	HSTS,
	SECURITY_HEADERS,
	SERVICE_WORKER_PATH,
	servedOverHttps,
	WORKER_CSP
} from '../lib/server/security-headers';

/** Longer URLs get 414; Node's own header limit (16 KB by default) answers 431 beyond it. */
const MAX_URL_LENGTH = 8 * 1024;

const { handler } = (await import(pathToFileURL(path.resolve('build/handler.js')).href)) as {
	handler: (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void;
};

const base = Object.entries(SECURITY_HEADERS);

/** BODY_SIZE_LIMIT as adapter-node reads it (512K, 64M, Infinity); it refuses a larger body too, in English only. */
function bodyLimit(value = process.env.BODY_SIZE_LIMIT ?? '512K'): number {
	if (value === 'Infinity') return Infinity;
	const match = /^(\d+)([KMG]?)$/i.exec(value.trim());
	if (!match) return 512 * 1024;
	return Number(match[1]) * 1024 ** ' KMG'.indexOf(match[2].toUpperCase() || ' ');
}
const MAX_BODY = bodyLimit();
const plain = (status: number, zh: string, en: string) =>
	[
		`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}`,
		'Content-Type: text/plain; charset=utf-8',
		'Connection: close',
		...base.map(([k, v]) => `${k}: ${v}`),
		'',
		`${zh}\n${en}\n`
	].join('\r\n');

const server = http.createServer((req, res) => {
	for (const [k, v] of base) res.setHeader(k, v);
	// A worker's own CSP governs what it may fetch: the closed one would leave it nothing.
	if (req.url?.split('?')[0] === SERVICE_WORKER_PATH) res.setHeader('Content-Security-Policy', WORKER_CSP);
	if (servedOverHttps(process.env.ORIGIN, req.headers['x-forwarded-proto'] as string | undefined))
		res.setHeader('Strict-Transport-Security', HSTS);
	if ((req.url ?? '').length > MAX_URL_LENGTH) {
		res.writeHead(414, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
		res.end('网址过长，请缩短查询条件后重试。\nThe address is too long; shorten the query and try again.\n');
		return;
	}
	if (Number(req.headers['content-length'] ?? 0) > MAX_BODY) {
		// Read the body to its end (discarding it) before answering, or the client, still
		// sending, sees a broken pipe instead of the 413.
		req.resume();
		req.on('end', () => {
			res.writeHead(413, { 'Content-Type': 'text/plain; charset=utf-8' });
			res.end('上传的内容过大。\nThe upload is too large.\n');
		});
		return;
	}
	handler(req, res, () => {
		res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
		res.end('未找到。\nNot found.\n');
	});
});

// Node refuses a malformed or oversized request before any handler runs; answer it in words.
server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
	if (!socket.writable) return socket.destroy();
	if (err.code === 'HPE_HEADER_OVERFLOW')
		socket.end(plain(431, '请求的网址或请求头过长。', 'The address or the request headers are too long.'));
	else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ECONNRESET') socket.destroy();
	else socket.end(plain(400, '请求无法识别。', 'The request could not be read.'));
});

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';
server.listen(port, host, () => console.log(`Listening on http://${host}:${port}`));

for (const signal of ['SIGINT', 'SIGTERM'] as const)
	process.on(signal, () => {
		server.close(() => process.exit(0));
		server.closeIdleConnections();
		setTimeout(() => process.exit(0), 5_000).unref();
	});
