import { fail } from '@sveltejs/kit';
import { message, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { userEditSchema } from '$lib/forms/schemas';
import { m } from '$lib/paraglide/messages.js';
import { notFound, requireRole } from '$lib/server/auth/access';
import { listAudit } from '$lib/server/audit/audit.repository';
import { db } from '$lib/server/db';
import { findPoint } from '$lib/server/points/points.repository';
import { refusedForm } from '$lib/server/forms/refused';
import { isRefusal } from '$lib/server/refusal';
import { findUser } from '$lib/server/users/users.repository';
import { resetPassword, setUserActive, updateUserProfile } from '$lib/server/users/users.service';
import { refusalMessage } from '$lib/text/refusals';
import type { Actions, PageServerLoad } from './$types';

async function loadUser(id: string) {
	const user = await findUser(db(), Number(id));
	if (!user) notFound();
	return user;
}

export const load: PageServerLoad = async (event) => {
	const admin = requireRole(event, 'admin');
	const user = await loadUser(event.params.id);
	const point = user.point_id ? await findPoint(db(), user.point_id) : undefined;
	const form = await superValidate(
		{
			displayName: user.display_name,
			role: user.role,
			scopeCode: point?.region_code ?? user.region_code ?? ''
		},
		zod4(userEditSchema())
	);
	const [history, signIns] = await Promise.all([
		listAudit(db(), { entityType: 'user', entityId: String(user.id), limit: 30 }),
		listAudit(db(), { entityType: 'sign_in', entityId: user.username, limit: 20 })
	]);
	return {
		account: {
			id: user.id,
			username: user.username,
			active: user.active === 1,
			mustChangePassword: user.must_change_password === 1,
			createdAt: user.created_at
		},
		isSelf: admin.id === user.id,
		form,
		history,
		signIns
	};
};

export const actions: Actions = {
	save: async (event) => {
		const admin = requireRole(event, 'admin');
		const user = await loadUser(event.params.id);
		const form = await superValidate(event.request, zod4(userEditSchema()));
		if (!form.valid) return fail(400, { form });
		try {
			await updateUserProfile(db(), admin.id, user.id, form.data);
		} catch (e) {
			return refusedForm(form, e);
		}
		return message(form, m.saved());
	},
	resetPassword: async (event) => {
		const admin = requireRole(event, 'admin');
		const user = await loadUser(event.params.id);
		const password = await resetPassword(db(), admin.id, user.id);
		return { oneTimePassword: { username: user.username, password } };
	},
	deactivate: async (event) => {
		const admin = requireRole(event, 'admin');
		const user = await loadUser(event.params.id);
		try {
			await setUserActive(db(), admin.id, user.id, false);
		} catch (e) {
			// This page's buttons answer with a status line, not a form.
			if (!isRefusal(e)) throw e;
			return fail(e.status, { status: refusalMessage(e.problems[e.field]!) });
		}
		return { status: m.user_deactivated() };
	},
	activate: async (event) => {
		const admin = requireRole(event, 'admin');
		const user = await loadUser(event.params.id);
		await setUserActive(db(), admin.id, user.id, true);
		return { status: m.user_activated() };
	}
};
