import { fail } from '@sveltejs/kit';
import { message, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { roles } from '$lib/domain/roles';
import { userSchema } from '$lib/forms/schemas';
import { requireRole } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import { refusedForm } from '$lib/server/forms/refused';
import { listUsers } from '$lib/server/users/users.repository';
import { createUser } from '$lib/server/users/users.service';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const p = event.url.searchParams;
	const q = p.get('q')?.trim().slice(0, 50) ?? '';
	const role = roles.find((r) => r === p.get('role')) ?? 'staff';
	const form = await superValidate(zod4(userSchema()));
	form.data.role = role;
	form.data.scopeCode = /^\d{2,12}$/.test(p.get('scope') ?? '') ? p.get('scope')! : '';
	return { users: await listUsers(db(), q), q, form };
};

export const actions: Actions = {
	create: async (event) => {
		const admin = requireRole(event, 'admin');
		const form = await superValidate(event.request, zod4(userSchema()));
		if (!form.valid) return fail(400, { form });
		try {
			const created = await createUser(db(), admin.id, form.data);
			// An empty form for the next user, keeping the role; the password is shown once, here.
			const next = await superValidate(zod4(userSchema()));
			next.data.role = form.data.role;
			// The empty form is not "invalid": the user was created, so the answer is a 200.
			next.valid = true;
			return message(next, {
				username: form.data.username.toLowerCase(),
				password: created.oneTimePassword,
				id: created.id
			});
		} catch (e) {
			return refusedForm(form, e);
		}
	}
};
