// The checklist's outbox endpoint. GET is the server copy (for a conflict shown side by side);
// POST applies one queued action from a phone. Refusals answer in JSON with the sentences the page
// shows: 400 for answers that cannot be saved as typed, 409 with the server copy when it moved on.
import { json, type RequestEvent } from '@sveltejs/kit';
import { allItems } from '$lib/domain/checklist';
import { queuedActionSchema } from '$lib/forms/checklist-sync';
import { findOwnChecklist } from '$lib/server/checklists/checklist-access';
import { isTarget } from '$lib/server/checklists/submissions.service';
import { applyQueuedSave, applyQueuedSubmit, serverCopy } from '$lib/server/checklists/sync.service';
import { db } from '$lib/server/db';
import { isRefusal } from '$lib/server/refusal';
import { refusalMessage } from '$lib/text/refusals';
import { m } from '$lib/paraglide/messages.js';
import { notFoundJson, signedIn } from '../../../respond';
import type { RequestHandler } from './$types';

const noStore = { 'cache-control': 'private, no-store' };

async function checklist(event: RequestEvent<{ point: string; round: string }>) {
	const user = signedIn(event);
	if (user instanceof Response) return user;
	const found = await findOwnChecklist(db(), user, Number(event.params.point), Number(event.params.round));
	return found ? { user, ...found } : notFoundJson();
}

export const GET: RequestHandler = async (event) => {
	const c = await checklist(event);
	if (c instanceof Response) return c;
	if (!(await isTarget(db(), c.frame.round.id, c.point.id))) return notFoundJson();
	return json(await serverCopy(db(), c.frame, c.point.id), { headers: noStore });
};

export const POST: RequestHandler = async (event) => {
	const c = await checklist(event);
	if (c instanceof Response) return c;
	const body = queuedActionSchema.safeParse(await event.request.json().catch(() => null));
	if (!body.success) return json({ ok: false, message: m.error_generic() }, { status: 400 });
	const action = body.data;
	const known = new Set(allItems(c.frame.definition).map((i) => i.key));
	const target = {
		...c.target,
		token: action.token,
		expectedVersion: action.expectedVersion
	};
	try {
		const applied =
			action.kind === 'save'
				? await applyQueuedSave(db(), c.user.id, {
						...target,
						itemKeys: Object.keys(action.values).filter((k) => known.has(k)),
						raw: action.values,
						notes: Object.fromEntries(Object.entries(action.notes).filter(([k]) => known.has(k)))
					})
				: await applyQueuedSubmit(db(), c.user.id, target);
		return json({ ok: true, ...applied }, { headers: noStore });
	} catch (e) {
		if (!isRefusal(e)) throw e;
		if (e.status === 404) return notFoundJson();
		const problems = Object.fromEntries(Object.entries(e.problems).map(([k, p]) => [k, refusalMessage(p)]));
		const moved = e.status === 409;
		return json(
			{
				ok: false,
				code: e.code,
				problems,
				server: moved ? await serverCopy(db(), c.frame, c.point.id) : undefined
			},
			{ status: e.status, headers: noStore }
		);
	}
};
