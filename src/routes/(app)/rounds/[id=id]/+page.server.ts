import { fail } from '@sveltejs/kit';
import { lineageOf } from '$lib/domain/regions';
import { m } from '$lib/paraglide/messages.js';
import { canManageRound, canSeeRegion, canSeeRound, notFound, requireRole } from '$lib/server/auth/access';
import { closeRound, findRound, openRound } from '$lib/server/checklists/rounds.service';
import { listTargets, rateByChild, rateOf } from '$lib/server/checklists/reporting.queries';
import { findVersion } from '$lib/server/checklists/templates.service';
import { db } from '$lib/server/db';
import { isRefusal } from '$lib/server/refusal';
import { refusalMessage } from '$lib/text/refusals';
import { findRegions } from '$lib/server/regions/regions.repository';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

async function access(event: RequestEvent | Parameters<PageServerLoad>[0]) {
	const user = requireRole(event, 'admin', 'analyst', 'reviewer');
	const round = await findRound(db(), Number(event.params.id));
	if (!round || !canSeeRound(user, round.target_region_code)) notFound();
	return { user, round };
}

export const load: PageServerLoad = async (event) => {
	const { user, round } = await access(event);
	// The region to look at: asked for and in scope, else the user's own (an admin: the round's target).
	const asked = event.url.searchParams.get('region');
	const fallback = user.role === 'admin' ? round.target_region_code : user.regionCode;
	const region = asked && canSeeRegion(user, asked) ? asked : fallback;
	const targets = round.status === 'draft' ? [] : await listTargets(db(), round.id, region);
	const children = rateByChild(targets, region);
	const names = await findRegions(db(), [
		...children.map((c) => c.code),
		...(region ? lineageOf(region) : [])
	]);
	const nameOf = new Map(names.map((r) => [r.code, r.name]));
	const version = await findVersion(db(), round.template_version_id);
	return {
		round: {
			id: round.id,
			name: round.name,
			status: round.status,
			periodStart: round.period_start,
			periodEnd: round.period_end,
			opensOn: round.opens_on,
			dueOn: round.due_on,
			target: round.target_region_code,
			targetName: round.target_region_code
				? (nameOf.get(round.target_region_code) ??
					(await findRegions(db(), [round.target_region_code]))[0]?.name ??
					null)
				: null,
			templateVersion: version?.version ?? null
		},
		region,
		breadcrumbs: (region ? lineageOf(region) : []).map((code) => ({
			code,
			name: nameOf.get(code) ?? code,
			linked: canSeeRegion(user, code)
		})),
		rate: rateOf(targets),
		children:
			children.length > 1 || (children[0] && children[0].code !== region)
				? children.map((c) => ({ ...c, name: nameOf.get(c.code) ?? c.code }))
				: [],
		targets,
		canManage: canManageRound(user, round.target_region_code)
	};
};

/** A refused open or close: the round changed meanwhile. */
function refused(e: unknown) {
	if (!isRefusal(e)) throw e;
	return fail(e.status, { error: refusalMessage(e.problems[e.field]) });
}

export const actions: Actions = {
	open: async (event) => {
		const { user, round } = await access(event);
		if (!canManageRound(user, round.target_region_code)) notFound();
		try {
			await openRound(db(), user.id, round.id);
		} catch (e) {
			return refused(e);
		}
		return { done: m.round_opened() };
	},
	close: async (event) => {
		const { user, round } = await access(event);
		if (!canManageRound(user, round.target_region_code)) notFound();
		try {
			await closeRound(db(), user.id, round.id);
		} catch (e) {
			return refused(e);
		}
		return { done: m.round_closed() };
	}
};
