import { fail, redirect } from '@sveltejs/kit';
import { superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { landingPath } from '$lib/domain/roles';
import { changePasswordSchema } from '$lib/forms/schemas';
import { requireUser } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import { refusedForm } from '$lib/server/forms/refused';
import { changePassword } from '$lib/server/users/users.service';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event, { allowPendingPassword: true });
	return { form: await superValidate(zod4(changePasswordSchema())), firstSignIn: user.mustChangePassword };
};

export const actions: Actions = {
	default: async (event) => {
		const user = requireUser(event, { allowPendingPassword: true });
		const form = await superValidate(event.request, zod4(changePasswordSchema()));
		const { current, next } = form.data;
		form.data = { current: '', next: '', confirm: '' };
		if (!form.valid) return fail(400, { form });

		try {
			await changePassword(
				db(),
				user,
				current,
				next,
				event.locals.session?.id ?? null,
				event.getClientAddress()
			);
		} catch (e) {
			return refusedForm(form, e);
		}
		redirect(303, landingPath(user));
	}
};
