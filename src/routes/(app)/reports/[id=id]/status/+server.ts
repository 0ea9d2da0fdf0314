import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireReport } from '../../report-access.server';

const fresh = { 'cache-control': 'private, no-store' };

// Polled by the report page: a lost session answers 401 in JSON rather than the sign-in page.
export const GET: RequestHandler = async (event) => {
	if (!event.locals.user) return json({ message: 'Sign in first' }, { status: 401, headers: fresh });
	const { report } = await requireReport(event);
	return json(
		{ status: report.status, progress: report.status === 'done' ? 100 : report.progress },
		{ headers: fresh }
	);
};
