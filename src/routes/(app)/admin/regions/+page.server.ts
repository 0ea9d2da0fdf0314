import { fail } from '@sveltejs/kit';
import { superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { guessPointType, lineageOf, levelOfCode, VILLAGE_LEVEL } from '$lib/domain/regions';
import { markPointSchema } from '$lib/forms/schemas';
import { requireRole } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import { refusedForm } from '$lib/server/forms/refused';
import { findPointsByRegions } from '$lib/server/points/points.repository';
import { markAsPoint } from '$lib/server/points/points.service';
import { findRegion, findRegions, listChildren, searchRegions } from '$lib/server/regions/regions.repository';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const q = event.url.searchParams.get('q')?.trim().slice(0, 50) ?? '';
	const parentParam = event.url.searchParams.get('parent') ?? '';
	const parent = levelOfCode(parentParam) ? await findRegion(db(), parentParam) : undefined;

	const rows = q
		? await searchRegions(db(), q, { within: parent?.code, limit: 200 })
		: (await listChildren(db(), parent?.code ?? null)).map((r) => ({
				...r,
				pointId: null,
				pointActive: null
			}));
	// Village-level rows show their point, so an admin can mark or open it right there.
	const villageCodes = rows.filter((r) => r.level === VILLAGE_LEVEL).map((r) => r.code);
	const points = await findPointsByRegions(db(), villageCodes);
	const pointOf = new Map(points.map((p) => [p.region_code, p]));

	return {
		q,
		parent: parent ?? null,
		breadcrumbs: parent
			? (await findRegions(db(), lineageOf(parent.code))).map((r) => ({
					code: r.code,
					name: r.name,
					linked: true
				}))
			: [],
		rows: rows.map((r) => {
			const point = pointOf.get(r.code);
			return {
				code: r.code,
				name: r.name,
				level: r.level,
				children: 'children' in r ? Number(r.children) : null,
				points: 'activePoints' in r ? Number(r.activePoints) : null,
				point: point ? { id: point.id, active: point.active === 1, type: point.type } : null,
				guessedType: guessPointType(r.name)
			};
		}),
		truncated: q !== '' && rows.length >= 200
	};
};

export const actions: Actions = {
	// One small form per village row; the row is the hidden `code`. The page shows the outcome above
	// the table, from the action's answer.
	mark: async (event) => {
		const admin = requireRole(event, 'admin');
		const form = await superValidate(event.request, zod4(markPointSchema()), { id: 'mark' });
		if (!form.valid) return fail(400, { form });
		try {
			const id = await markAsPoint(db(), admin.id, form.data.code, form.data.type);
			return { form, marked: { code: form.data.code, id } };
		} catch (e) {
			return refusedForm(form, e);
		}
	}
};
