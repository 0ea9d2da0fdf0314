import fs from 'node:fs';
import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { notFound } from '$lib/server/auth/access';
import {
	REPORT_FILES,
	REPORT_MIME,
	reportFilePath,
	type ReportFileKind
} from '$lib/server/reports/reports.service';
import type { RequestHandler } from './$types';
import { requireReport } from '../../../report-access.server';

const isKind = (kind: string): kind is ReportFileKind => Object.hasOwn(REPORT_FILES, kind);

const extension: Record<ReportFileKind, string> = { docx: 'docx', xlsx: 'xlsx', csv: 'csv' };

// A header value is Latin-1: the ASCII name for old clients, the Chinese title in RFC 5987 form.
function disposition(kind: ReportFileKind, title: string | null): string {
	const ascii = kind === 'csv' ? 'answers.csv' : `report.${extension[kind]}`;
	if (!title) return `attachment; filename="${ascii}"`;
	const name = `${title}${kind === 'csv' ? '-原始答案' : ''}.${extension[kind]}`.replace(
		/[\\/:*?"<>|\r\n]+/g,
		'_'
	);
	return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRFC5987(name)}`;
}

const encodeRFC5987 = (s: string) =>
	encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

// A file that is not ready, not a report file, or gone from disk: all the same 404. A report whose
// files the retention period deleted says so: 410.
export const GET: RequestHandler = async (event) => {
	const { report } = await requireReport(event);
	const kind = event.params.kind;
	if (!isKind(kind)) notFound();
	if (report.status === 'expired') error(410, m.reports_expired_gone());
	if (report.status !== 'done') notFound();
	let bytes: Buffer;
	try {
		bytes = fs.readFileSync(reportFilePath(report.id, kind));
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code === 'ENOENT') notFound();
		throw e;
	}
	return new Response(new Uint8Array(bytes), {
		headers: {
			'Content-Type': REPORT_MIME[kind],
			'Content-Length': String(bytes.length),
			'Content-Disposition': disposition(kind, report.title),
			'X-Content-Type-Options': 'nosniff',
			'Cache-Control': 'private, no-store'
		}
	});
};
