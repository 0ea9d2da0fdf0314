import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import { chinaDate } from '$lib/domain/periods';
import {
	certificateCountSchema,
	certificateStatusSchema,
	plateSchema,
	readForm,
	rehangSchema,
	removeSchema,
	returnSchema,
	secondmentSchema,
	type FieldErrors
} from '$lib/forms/registers';
import { registerProblemMessage } from '$lib/text/registers';
import { notFound } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import {
	listPointCertificates,
	recordCertificateCount,
	setCertificateStatus
} from '$lib/server/registers/certificates.service';
import { savePhoto } from '$lib/server/registers/photos.service';
import { RegisterNotFound, type RegisterResult } from '$lib/server/registers/register-result';
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

/** What a refused form gets back: which form (and row), what was sent, and a message per field. */
export interface RegisterFailure {
	action: ActionName;
	target: number | null;
	values: Record<string, string>;
	errors: FieldErrors;
}

const refuse = (
	action: ActionName,
	target: number | null,
	values: Record<string, string>,
	errors: FieldErrors
) => fail(400, { action, target, values, errors } satisfies RegisterFailure);

const messages = (errors: Partial<Record<string, string>>): FieldErrors =>
	Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, registerProblemMessage(v ?? '')]));

const targetOf = (values: Record<string, string>, key: string) => Number(values[key]) || null;

/**
 * Runs one register change for the point's own staff: read and check the form, run the service,
 * then back to the tab (a redirect, so a reload never posts twice).
 */
async function change<T>(
	event: RequestEvent,
	action: ActionName,
	tab: Tab,
	schema: () => Parameters<typeof readForm>[0],
	targetKey: string | null,
	run: (ctx: {
		userId: number;
		pointId: number;
		data: T;
		form: FormData;
		values: Record<string, string>;
	}) => Promise<RegisterResult>
) {
	const { user, point } = await editablePoint(event);
	const form = await event.request.formData();
	const read = readForm(schema(), form);
	const target = targetKey ? targetOf(read.values, targetKey) : null;
	if (!read.ok) return refuse(action, target, read.values, read.errors);
	let result: RegisterResult;
	try {
		result = await run({
			userId: user.id,
			pointId: point.id,
			data: read.data as T,
			form,
			values: read.values
		});
	} catch (e) {
		if (e instanceof RegisterNotFound) notFound();
		throw e;
	}
	if (!result.ok) return refuse(action, target, read.values, messages(result.errors));
	redirect(303, `/points/${point.id}/registers?tab=${tab}&done=${action}`);
}

type Data<S extends () => z.ZodType> = z.output<ReturnType<S>>;

export const actions: Actions = {
	addPlate: (event) =>
		change<Data<typeof plateSchema>>(event, 'addPlate', 'signboards', plateSchema, null, (c) =>
			addSignboard(db(), c.userId, c.pointId, c.data)
		),
	removePlate: (event) =>
		change<Data<typeof removeSchema>>(event, 'removePlate', 'signboards', removeSchema, 'id', (c) => {
			const file = c.form.get('photo');
			// A file input left empty still posts a nameless, zero-byte part.
			const photo =
				file instanceof File && (file.size > 0 || file.name !== '')
					? () => savePhoto(db(), { pointId: c.pointId, userId: c.userId, file })
					: undefined;
			return removeSignboard(db(), c.userId, c.pointId, c.data.id, {
				removedOn: c.data.removedOn,
				note: c.data.note,
				photo
			});
		}),
	rehangPlate: (event) =>
		change<Data<typeof rehangSchema>>(event, 'rehangPlate', 'signboards', rehangSchema, 'id', (c) =>
			rehangSignboard(db(), c.userId, c.pointId, c.data.id, { hungOn: c.data.hungOn, note: c.data.note })
		),
	setCertificate: (event) =>
		change<Data<typeof certificateStatusSchema>>(
			event,
			'setCertificate',
			'certificates',
			certificateStatusSchema,
			'itemId',
			(c) => setCertificateStatus(db(), c.userId, c.pointId, c.data)
		),
	countCertificate: (event) =>
		change<Data<typeof certificateCountSchema>>(
			event,
			'countCertificate',
			'certificates',
			certificateCountSchema,
			'itemId',
			(c) => recordCertificateCount(db(), c.userId, c.pointId, c.data)
		),
	addSecondment: (event) =>
		change<Data<typeof secondmentSchema>>(
			event,
			'addSecondment',
			'secondments',
			secondmentSchema,
			null,
			(c) => addSecondment(db(), c.userId, c.pointId, c.data)
		),
	editSecondment: (event) =>
		change<Data<typeof secondmentSchema>>(
			event,
			'editSecondment',
			'secondments',
			secondmentSchema,
			'id',
			(c) => {
				const id = Number(c.values.id);
				if (!Number.isSafeInteger(id) || id <= 0) throw new RegisterNotFound();
				return updateSecondment(db(), c.userId, c.pointId, id, c.data);
			}
		),
	returnSecondment: (event) =>
		change<Data<typeof returnSchema>>(event, 'returnSecondment', 'secondments', returnSchema, 'id', (c) =>
			recordSecondmentReturn(db(), c.userId, c.pointId, c.data.id, { returnDate: c.data.returnDate })
		)
};
