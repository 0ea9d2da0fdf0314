// The dashboard's query as loadDashboard reads it. A GET form without JavaScript sends each
// ticked indicator as its own `i`; links and the API use one comma-separated `i`. Both mean the same.
export function dashboardParams(url: URL): URLSearchParams {
	const params = new URLSearchParams(url.searchParams);
	const indicators = params
		.getAll('i')
		.flatMap((v) => v.split(','))
		.filter(Boolean);
	params.delete('i');
	if (indicators.length) params.set('i', [...new Set(indicators)].join(','));
	return params;
}
