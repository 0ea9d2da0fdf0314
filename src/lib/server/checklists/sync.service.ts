// The phone's outbox: saves and submits queued while offline arrive here, each with its own token.
// A replay of an action that was applied (its answer was lost on the way back) is answered as done;
// anything else that no longer fits the server copy is refused as stale, and the phone is sent that
// copy to show side by side with what was typed.
import type { Db } from '../db';
import { allItems, toFormValue } from '../../domain/checklist';
import type { ServerCopy } from '../../domain/draft-merge';
import { isEditable } from '../../domain/submission-state';
import { findSubmission, updateSubmission } from './submissions.repository';
import {
	loadChecklist,
	saveIn,
	submit,
	type ChecklistFrame,
	type ChecklistState
} from './submissions.service';

/** The server copy a phone's draft starts from, or is shown beside, from a loaded checklist. */
export function copyOf(state: ChecklistState): ServerCopy {
	const s = state.submission;
	return {
		version: s?.version ?? null,
		status: s?.status ?? null,
		reviewNote: s?.review_note ?? null,
		values: Object.fromEntries(
			allItems(state.definition).map((i) => [i.key, toFormValue(state.answers[i.key])])
		),
		notes: state.notes,
		saved: Object.keys(state.saved),
		editable: isEditable(s?.status) && state.round.status === 'open'
	};
}

export async function serverCopy(db: Db, frame: ChecklistFrame, pointId: number): Promise<ServerCopy> {
	return copyOf((await loadChecklist(db, frame.round.id, pointId, frame))!);
}

interface Queued {
	roundId: number;
	pointId: number;
	definition: ChecklistFrame['definition'];
	token: string;
	expectedVersion: number | null;
}

export interface Applied {
	version: number;
	status: string;
	/** The action had been applied before: this was a replay. */
	replay: boolean;
}

/** A queued save: applied once, whatever number of times it arrives. */
export function applyQueuedSave(
	db: Db,
	actorId: number | null,
	input: Queued & {
		itemKeys: string[];
		raw: Record<string, string | string[] | undefined>;
		notes: Record<string, string>;
	}
): Promise<Applied> {
	return db.transaction().execute(async (trx) => {
		const before = await findSubmission(trx, input.roundId, input.pointId);
		if (before && before.save_token === input.token)
			return { version: before.version, status: before.status, replay: true };
		const saved = await saveIn(trx, actorId, input);
		await updateSubmission(trx, saved.submissionId, { save_token: input.token });
		const after = (await findSubmission(trx, input.roundId, input.pointId))!;
		return { version: saved.version, status: after.status, replay: false };
	});
}

/** A queued submit; its token is the submission's client token, so a replay is recognised. */
export async function applyQueuedSubmit(db: Db, actorId: number | null, input: Queued): Promise<Applied> {
	const before = await findSubmission(db, input.roundId, input.pointId);
	if (before && before.client_token === input.token)
		return { version: before.version, status: before.status, replay: true };
	const done = await submit(db, actorId, { ...input, clientToken: input.token });
	const after = (await findSubmission(db, input.roundId, input.pointId))!;
	return { version: after.version, status: after.status, replay: done.already };
}
