// The signboard register: each plate on the point's walls, and its life as events (hung,
// removed, hung again). The plate's state is always its latest event's.
import { chinaDate } from '../../domain/periods';
import {
	eventDateProblem,
	isReduction,
	isRebound,
	signboardDisplayState,
	wasRehung,
	type SignboardDisplayState,
	type SignboardEventKind
} from '../../domain/registers';
import { writeAudit } from '../audit/audit.repository';
import { now, type Db } from '../db';
import type { SignboardPlacement } from '../db/schema';
import { refuse, refuseNotFound } from '../refusal';
import { registerWrite } from './register-write';
import {
	findActiveCategory,
	findPointSignboard,
	insertSignboard,
	insertSignboardEvent,
	selectPointSignboards,
	selectSignboardEvents,
	setSignboardState
} from './signboards.repository';

export interface NewSignboardInput {
	text: string;
	categoryId: number;
	/** Null takes the category's placement. */
	placement: SignboardPlacement | null;
	department: string | null;
	hungOn: string;
	note?: string | null;
}

/** Stores an uploaded evidence photo and gives its id, or throws its Refusal (see photos.service). */
export type StorePhoto = () => Promise<number>;

export async function addSignboard(
	db: Db,
	actorId: number | null,
	pointId: number,
	input: NewSignboardInput,
	today = chinaDate()
): Promise<{ id: number }> {
	const text = input.text.trim();
	if (!text) refuse('text', 'required');
	const dateProblem = eventDateProblem(input.hungOn, today);
	if (dateProblem) refuse('hungOn', dateProblem);
	return registerWrite(db, pointId, async (trx) => {
		const category =
			(await findActiveCategory(trx, input.categoryId)) ?? refuse('categoryId', 'unknown_category');
		const at = now();
		const placement = input.placement ?? category.placement;
		const department = input.department?.trim() || null;
		const id = await insertSignboard(trx, {
			point_id: pointId,
			category_id: category.id,
			text,
			placement,
			department,
			state: 'hung',
			created_at: at,
			updated_at: at
		});
		await insertSignboardEvent(trx, {
			signboard_id: id,
			kind: 'hung',
			on_date: input.hungOn,
			photo_id: null,
			note: input.note?.trim() || null,
			created_by: actorId,
			created_at: at
		});
		await writeAudit(trx, {
			userId: actorId,
			action: 'signboard.add',
			entityType: 'signboard',
			entityId: id,
			changes: {
				point_id: pointId,
				text,
				category_id: category.id,
				placement,
				department,
				hung_on: input.hungOn
			}
		});
		return { id };
	});
}

async function recordEvent(
	db: Db,
	actorId: number | null,
	pointId: number,
	id: number,
	kind: Exclude<SignboardEventKind, 'hung'>,
	input: { onDate: string; note?: string | null; photo?: StorePhoto },
	/** The caller's name for the date, which a refusal names. */
	dateField: 'removedOn' | 'hungOn',
	today: string
): Promise<void> {
	const from = kind === 'removed' ? 'hung' : 'removed';
	const check = async (q: Db) => {
		const board = (await findPointSignboard(q, pointId, id)) ?? refuseNotFound();
		if (board.state !== from) refuse(dateField, 'plate_wrong_state');
		const problem = eventDateProblem(input.onDate, today, board.lastDate);
		if (problem) refuse(dateField, problem);
	};
	// Checked before the photo is stored, so a refused change leaves no orphan file behind.
	await check(db);
	const photoId = input.photo ? await input.photo() : null;
	await registerWrite(db, pointId, async (trx) => {
		await check(trx);
		const at = now();
		const to = kind === 'removed' ? 'removed' : 'hung';
		const note = input.note?.trim() || null;
		await insertSignboardEvent(trx, {
			signboard_id: id,
			kind,
			on_date: input.onDate,
			photo_id: photoId,
			note,
			created_by: actorId,
			created_at: at
		});
		await setSignboardState(trx, id, to, at);
		await writeAudit(trx, {
			userId: actorId,
			action: kind === 'removed' ? 'signboard.remove' : 'signboard.rehang',
			entityType: 'signboard',
			entityId: id,
			changes: {
				state: [from, to],
				on_date: input.onDate,
				...(photoId ? { photo_id: photoId } : {}),
				...(note ? { note } : {})
			}
		});
	});
}

/** Takes the plate down. `photo` stores the evidence photo, called only once the removal is valid. */
export function removeSignboard(
	db: Db,
	actorId: number | null,
	pointId: number,
	id: number,
	input: { removedOn: string; note?: string | null; photo?: StorePhoto },
	today = chinaDate()
): Promise<void> {
	const event = { ...input, onDate: input.removedOn };
	return recordEvent(db, actorId, pointId, id, 'removed', event, 'removedOn', today);
}

/**
 * Hangs a removed plate again. A rebound only for a cancelled-category plate (see `isRebound`);
 * a kept plate is simply up again.
 */
export function rehangSignboard(
	db: Db,
	actorId: number | null,
	pointId: number,
	id: number,
	input: { hungOn: string; note?: string | null },
	today = chinaDate()
): Promise<void> {
	const event = { onDate: input.hungOn, note: input.note };
	return recordEvent(db, actorId, pointId, id, 'rehung', event, 'hungOn', today);
}

export interface SignboardEventView {
	id: number;
	kind: SignboardEventKind;
	onDate: string;
	photoId: number | null;
	note: string | null;
}

export interface SignboardView {
	id: number;
	text: string;
	placement: SignboardPlacement;
	department: string | null;
	state: 'hung' | 'removed';
	categoryId: number;
	categoryName: string;
	categoryStatus: 'cancelled' | 'kept';
	displayState: SignboardDisplayState;
	/** By `isRebound`: up, and of a cancelled category. */
	rebound: boolean;
	/** Whether hanging it again would be a rebound, by the same rule (the rehang form's hint). */
	rehangRebounds: boolean;
	reduction: boolean;
	/** Oldest first. */
	events: SignboardEventView[];
	lastDate: string;
}

export async function listSignboards(db: Db, pointId: number): Promise<SignboardView[]> {
	const boards = await selectPointSignboards(db, pointId);
	if (boards.length === 0) return [];
	const events = await selectSignboardEvents(
		db,
		boards.map((b) => b.id)
	);
	return boards.map((b) => {
		const own = events.filter((e) => e.signboard_id === b.id).map(({ signboard_id: _, ...e }) => e);
		const facts = { state: b.state, categoryStatus: b.categoryStatus, rehung: wasRehung(own) };
		return {
			...b,
			displayState: signboardDisplayState(facts),
			rebound: isRebound(facts),
			rehangRebounds: isRebound({ state: 'hung', categoryStatus: b.categoryStatus }),
			reduction: isReduction(facts),
			events: own,
			lastDate: own.at(-1)?.onDate ?? ''
		};
	});
}
