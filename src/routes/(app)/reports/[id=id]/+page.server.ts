import type { PageServerLoad } from './$types';
import { printHref, requireReport } from '../report-access.server';

export const load: PageServerLoad = async (event) => {
	const { report } = await requireReport(event);
	// The page polls the status endpoint; the load reruns (invalidate) once the files are written.
	event.depends('app:report');
	return {
		report,
		print: printHref(report),
		// Sent here by a repeat request for a report already pending.
		repeated: event.url.searchParams.has('pending')
	};
};
