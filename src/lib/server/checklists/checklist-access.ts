// Whose checklist this is: only the point's own staff fill it, and only a round that has opened.
// The page and the phone's outbox endpoint ask the same question and answer "not found" their
// own way (the error page, a JSON 404). Whether the round asks the point, the load checks, and
// each write checks again in its own transaction.
import type { RequestEvent } from '@sveltejs/kit';
import type { PublicUser } from '../../domain/roles';
import { canEditPointRecords, notFound, requireUser } from '../auth/access';
import { db as database, type Db } from '../db';
import { findPointView } from '../points/points.repository';
import { findChecklistFrame } from './submissions.service';

export async function findOwnChecklist(db: Db, user: PublicUser, pointId: number, roundId: number) {
	const point = await findPointView(db, pointId);
	if (!point || !canEditPointRecords(user, { id: point.id, regionCode: point.regionCode })) return null;
	const frame = await findChecklistFrame(db, roundId);
	if (!frame || frame.round.status === 'draft') return null;
	const target = { roundId: frame.round.id, pointId: point.id, definition: frame.definition };
	return { point, frame, target };
}

/** The checklist of a page's `[id]` and `[round]`, for its own staff; the not-found page for anyone else. */
export async function requireOwnChecklist(event: Pick<RequestEvent, 'url' | 'locals' | 'params'>) {
	const params = event.params as { id: string; round: string };
	const user = requireUser(event);
	const found = await findOwnChecklist(database(), user, Number(params.id), Number(params.round));
	if (!found) notFound();
	return { user, ...found };
}

/** A point's checklist for a round, and its one screen of "same as last round". */
export const checklistPath = (pointId: number, roundId: number) => `/points/${pointId}/rounds/${roundId}`;
export const samePath = (pointId: number, roundId: number) => `${checklistPath(pointId, roundId)}/same`;
