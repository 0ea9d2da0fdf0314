import { fail, redirect } from '@sveltejs/kit';
import { setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { chinaDate, quarterOf } from '$lib/domain/periods';
import { roundSchema } from '$lib/forms/schemas';
import { m } from '$lib/paraglide/messages.js';
import { canManageRound, requireRole } from '$lib/server/auth/access';
import { createRound } from '$lib/server/checklists/rounds.service';
import { listPublishedVersions } from '$lib/server/checklists/templates.service';
import { db } from '$lib/server/db';
import { refusedForm } from '$lib/server/forms/refused';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireRole(event, 'admin', 'analyst');
	const versions = await listPublishedVersions(db());
	const form = await superValidate(zod4(roundSchema()));
	const today = chinaDate();
	form.data.periodKind = 'quarter';
	form.data.period = quarterOf(today);
	form.data.opensOn = today;
	form.data.dueOn = chinaDate(new Date(Date.now() + 14 * 86_400_000));
	form.data.templateVersionId = versions[0]?.id ?? 0;
	form.data.targetRegion = user.role === 'analyst' ? (user.regionCode ?? '') : '';
	return { form, versions, mustTarget: user.role === 'analyst' };
};

export const actions: Actions = {
	default: async (event) => {
		const user = requireRole(event, 'admin', 'analyst');
		const form = await superValidate(event.request, zod4(roundSchema()));
		if (!form.valid) return fail(400, { form });
		const target = form.data.targetRegion || null;
		if (!canManageRound(user, target)) return setError(form, 'targetRegion', m.round_target_outside_scope());
		let id: number;
		try {
			id = await createRound(db(), user.id, { ...form.data, targetRegion: target });
		} catch (e) {
			return refusedForm(form, e);
		}
		redirect(303, `/rounds/${id}`);
	}
};
