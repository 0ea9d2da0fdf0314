// Whose checklist this is: only the point's own staff fill it, and only a round that has opened.
// The page and the phone's outbox endpoint ask the same question and answer "not found" their
// own way (the error page, a JSON 404). Whether the round asks the point, the load checks, and
// each write checks again in its own transaction.
import type { PublicUser } from '../../domain/roles';
import { canEditPointRecords } from '../auth/access';
import type { Db } from '../db';
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
