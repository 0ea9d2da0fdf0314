import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { superValidate, type SuperValidated } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import type { z } from 'zod';
import { chinaDate } from '$lib/domain/periods';
import {
	certificateCountSchema,
	certificateStatusSchema,
	plateSchema,
	registerFormIds as FORM_IDS,
	rehangSchema,
	removeSchema,
	returnSchema,
	secondmentSchema
} from '$lib/forms/registers';
import { db } from '$lib/server/db';
import { refusedForm } from '$lib/server/forms/refused';
import { refuseNotFound } from '$lib/server/refusal';
import {
	listPointCertificates,
	recordCertificateCount,
	setCertificateStatus
} from '$lib/server/registers/certificates.service';
import { savePhoto } from '$lib/server/registers/photos.service';
import {
	addSecondment,
	listSecondments,
	recordSecondmentReturn,
	updateSecondment
} from '$lib/server/registers/secondments.service';
import { listSignboardCategories } from '$lib/server/registers/catalogues.service';
import {
	addSignboard,
	listSignboards,
	rehangSignboard,
	removeSignboard
} from '$lib/server/registers/signboards.service';
import { editablePoint, pointBreadcrumbs, readablePoint } from './point-access';
import type { Actions, PageServerLoad } from './$types';

const tabs = ['signboards', 'certificates', 'secondments'] as const;
type Tab = (typeof tabs)[number];

// `satisfies` keeps the returned shape, so tests read typed data.
export const load = (async (event) => {
	const { user, point, canEdit } = await readablePoint(event);
	const tab = tabs.find((t) => t === event.url.searchParams.get('tab')) ?? 'signboards';
	const today = chinaDate();
	const [breadcrumbs, signboards, categories, certificates, secondments] = await Promise.all([
		pointBreadcrumbs(user, point),
		listSignboards(db(), point.id),
		listSignboardCategories(db(), { activeOnly: true }),
		listPointCertificates(db(), point.id),
		listSecondments(db(), point.id, today)
	]);
	const editId = Number(event.url.searchParams.get('edit'));
	const editing = canEdit ? (secondments.find((s) => s.id === editId) ?? null) : null;
	const hung = signboards.filter((s) => s.state === 'hung');

	const plateForm = await superValidate(zod4(plateSchema()), { id: FORM_IDS.addPlate });
	plateForm.data.hungOn = today;
	const secondmentForm = await superValidate(zod4(secondmentSchema()), { id: FORM_IDS.secondment });
	if (editing)
		secondmentForm.data = {
			personName: editing.personName,
			post: editing.post,
			borrowingUnit: editing.borrowingUnit,
			startDate: editing.startDate,
			expectedEnd: editing.expectedEnd,
			approved: editing.approved,
			approvalRef: editing.approvalRef
		};

	return {
		point,
		breadcrumbs,
		tab,
		today,
		canEdit,
		done: event.url.searchParams.has('done'),
		signboards,
		categories,
		certificates,
		secondments,
		editing,
		plateForm,
		secondmentForm,
		counts: {
			hung: hung.length,
			exterior: hung.filter((s) => s.placement === 'exterior').length,
			interior: hung.filter((s) => s.placement !== 'exterior').length,
			removed: signboards.filter((s) => s.state === 'removed').length,
			rebound: signboards.filter((s) => s.rebound).length,
			issuing: certificates.filter((c) => c.status === 'issuing').length,
			stopped: certificates.filter((c) => c.status === 'stopped').length,
			certViolations: certificates.filter((c) => c.violation).length,
			active: secondments.filter((s) => s.state === 'active').length,
			unapproved: secondments.filter((s) => s.unapproved).length,
			overdue: secondments.filter((s) => s.overdue).length
		}
	};
}) satisfies PageServerLoad;

type ActionName =
	| 'addPlate'
	| 'removePlate'
	| 'rehangPlate'
	| 'setCertificate'
	| 'countCertificate'
	| 'addSecondment'
	| 'editSecondment'
	| 'returnSecondment';

/** The posted form, and the rest of the request (a file, an id outside the schema). */
interface Posted<S extends z.ZodObject> {
	userId: number;
	pointId: number;
	data: z.output<S>;
	request: FormData;
}

/**
 * Runs one register change for the point's own staff: check the form, run the service, then back
 * to the tab (a redirect, so a reload never posts twice). A refused form comes back with the
 * sentence next to its field and what was typed; another point's thing is a 404.
 */
async function change<S extends z.ZodObject>(
	event: RequestEvent,
	action: ActionName,
	tab: Tab,
	schema: S,
	formId: string,
	run: (posted: Posted<S>) => Promise<unknown>
) {
	const { user, point } = await editablePoint(event);
	const request = await event.request.formData();
	const form = (await superValidate(request, zod4(schema), { id: formId })) as SuperValidated<z.output<S>>;
	if (!form.valid) return fail(400, { form });
	try {
		await run({ userId: user.id, pointId: point.id, data: form.data, request });
	} catch (e) {
		return refusedForm(form, e);
	}
	redirect(303, `/points/${point.id}/registers?tab=${tab}&done=${action}`);
}

/** The evidence photo, if one was chosen: a file input left empty still posts a nameless, empty part. */
function chosenFile(request: FormData, name: string): File | null {
	const file = request.get(name);
	return file instanceof File && (file.size > 0 || file.name !== '') ? file : null;
}

export const actions: Actions = {
	addPlate: (event) =>
		change(event, 'addPlate', 'signboards', plateSchema(), FORM_IDS.addPlate, ({ userId, pointId, data }) =>
			addSignboard(db(), userId, pointId, { ...data, placement: data.placement || null })
		),
	removePlate: (event) =>
		change(
			event,
			'removePlate',
			'signboards',
			removeSchema(),
			FORM_IDS.removePlate,
			({ userId, pointId, data, request }) => {
				const file = chosenFile(request, 'photo');
				return removeSignboard(db(), userId, pointId, data.id, {
					removedOn: data.removedOn,
					note: data.note,
					photo: file ? () => savePhoto(db(), { pointId, userId, file }) : undefined
				});
			}
		),
	rehangPlate: (event) =>
		change(
			event,
			'rehangPlate',
			'signboards',
			rehangSchema(),
			FORM_IDS.rehangPlate,
			({ userId, pointId, data }) =>
				rehangSignboard(db(), userId, pointId, data.id, { hungOn: data.hungOn, note: data.note })
		),
	setCertificate: (event) =>
		change(
			event,
			'setCertificate',
			'certificates',
			certificateStatusSchema(),
			FORM_IDS.setCertificate,
			({ userId, pointId, data }) => setCertificateStatus(db(), userId, pointId, data)
		),
	countCertificate: (event) =>
		change(
			event,
			'countCertificate',
			'certificates',
			certificateCountSchema(),
			FORM_IDS.countCertificate,
			({ userId, pointId, data }) => recordCertificateCount(db(), userId, pointId, data)
		),
	addSecondment: (event) =>
		change(
			event,
			'addSecondment',
			'secondments',
			secondmentSchema(),
			FORM_IDS.secondment,
			({ userId, pointId, data }) => addSecondment(db(), userId, pointId, data)
		),
	editSecondment: (event) =>
		change(
			event,
			'editSecondment',
			'secondments',
			secondmentSchema(),
			FORM_IDS.secondment,
			({ userId, pointId, data, request }) => {
				const id = Number(request.get('id'));
				if (!Number.isSafeInteger(id) || id <= 0) refuseNotFound();
				return updateSecondment(db(), userId, pointId, id, data);
			}
		),
	returnSecondment: (event) =>
		change(
			event,
			'returnSecondment',
			'secondments',
			returnSchema(),
			FORM_IDS.returnSecondment,
			({ userId, pointId, data }) =>
				recordSecondmentReturn(db(), userId, pointId, data.id, { returnDate: data.returnDate })
		)
};
