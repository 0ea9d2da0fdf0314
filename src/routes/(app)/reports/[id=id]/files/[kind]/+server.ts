import fs from 'node:fs';
import { notFound } from '$lib/server/auth/access';
import { isReportFileKind, REPORT_MIME, type ReportFileKind } from '$lib/server/reports/report-files';
import { reportFile } from '$lib/server/reports/reports.service';
import type { RequestHandler } from './$types';
import { refusedError, requireReport } from '../../../report-access.server';

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
	if (!isReportFileKind(kind)) notFound();
	let where: string;
	try {
		where = reportFile(report, kind);
	} catch (e) {
		refusedError(e);
	}
	let bytes: Buffer;
	try {
		bytes = fs.readFileSync(where);
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
