import { chinaDate, isIsoDate } from '$lib/domain/periods';
import { canSeeRegion, notFound, readerScope, requireRole } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import {
	filterCategories,
	listCertificateRows,
	listSecondmentRows,
	listSignboardRows,
	type RegisterFilter
} from '$lib/server/registers/registers.queries';
import type { PageServerLoad } from './$types';

const kinds = ['signboards', 'certificates', 'secondments'] as const;
const statuses = {
	signboards: ['hung', 'removed', 'rebound'],
	certificates: ['issuing', 'stopped', 'violation'],
	secondments: ['active', 'returned', 'unapproved', 'overdue']
} as const;

// `satisfies` keeps the returned shape, so tests read typed data.
export const load = (async (event) => {
	const user = requireRole(event, 'admin', 'analyst', 'reviewer');
	const p = event.url.searchParams;
	const kind = kinds.find((k) => k === p.get('kind')) ?? 'signboards';
	const status = (statuses[kind] as readonly string[]).find((s) => s === p.get('status')) ?? '';
	const region = p.get('region')?.trim() ?? '';
	// A region outside the reader's scope is answered as any other out-of-scope page.
	if (region && (!/^\d{2,12}$/.test(region) || !canSeeRegion(user, region))) notFound();
	const scope = readerScope(user);
	const from = isIsoDate(p.get('from') ?? '') ? p.get('from')! : '';
	const to = isIsoDate(p.get('to') ?? '') ? p.get('to')! : '';
	const categoryId = Number(p.get('category')) || null;
	const pageNo = Math.max(1, Math.min(10_000, Number(p.get('page')) || 1));
	const filter: RegisterFilter = {
		within: region || scope,
		status: status || null,
		categoryId: kind === 'secondments' ? null : categoryId,
		from: from || null,
		to: to || null,
		page: pageNo
	};
	const today = chinaDate();
	const [categories, result] = await Promise.all([
		filterCategories(db(), kind),
		kind === 'signboards'
			? listSignboardRows(db(), filter).then((r) => ({ kind, ...r }) as const)
			: kind === 'certificates'
				? listCertificateRows(db(), filter).then((r) => ({ kind, ...r }) as const)
				: listSecondmentRows(db(), filter, today).then((r) => ({ kind, ...r }) as const)
	]);
	return {
		kind,
		statuses: statuses[kind],
		filters: { status, region, from, to, category: categoryId ? String(categoryId) : '' },
		categories,
		result,
		pageNo,
		scope
	};
}) satisfies PageServerLoad;
