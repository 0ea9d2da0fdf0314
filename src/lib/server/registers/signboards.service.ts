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
import { RegisterNotFound, refused, type RegisterResult } from './register-result';
import { pointChanged } from '../trends/indicators.service';

export interface NewSignboardInput {
	text: string;
	categoryId: number;
	/** Null takes the category's placement. */
	placement: SignboardPlacement | null;
	department: string | null;
	hungOn: string;
	note?: string | null;
}

/** The outcome of storing an uploaded photo (see photos.service). */
export type PhotoOutcome =
	| { ok: true; photoId: number }
	| { ok: false; problem: 'empty' | 'too_large' | 'not_image' | 'too_many_pixels' };

export async function addSignboard(
	db: Db,
	actorId: number | null,
	pointId: number,
	input: NewSignboardInput,
	today = chinaDate()
): Promise<RegisterResult<{ id: number }>> {
	const text = input.text.trim();
	if (!text) return refused('text', 'required');
	const dateProblem = eventDateProblem(input.hungOn, today);
	if (dateProblem) return refused('hungOn', dateProblem);
	return db.transaction().execute(async (trx) => {
		const category = await trx
			.selectFrom('signboard_categories')
			.select(['id', 'placement', 'status'])
			.where('id', '=', input.categoryId)
			.where('active', '=', 1)
			.executeTakeFirst();
		if (!category) return refused('categoryId', 'unknown_category');
		const at = now();
		const placement = input.placement ?? category.placement;
		const { id } = await trx
			.insertInto('signboards')
			.values({
				point_id: pointId,
				category_id: category.id,
				text,
				placement,
				department: input.department?.trim() || null,
				state: 'hung',
				created_at: at,
				updated_at: at
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		await trx
			.insertInto('signboard_events')
			.values({
				signboard_id: id,
				kind: 'hung',
				on_date: input.hungOn,
				photo_id: null,
				note: input.note?.trim() || null,
				created_by: actorId,
				created_at: at
			})
			.execute();
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
				department: input.department?.trim() || null,
				hung_on: input.hungOn
			}
		});
		await pointChanged(trx, pointId);
		return { ok: true as const, id };
	});
}

async function boardWithLastDate(db: Db, pointId: number, id: number) {
	const board = await db
		.selectFrom('signboards')
		.select(['id', 'state'])
		.where('id', '=', id)
		.where('point_id', '=', pointId)
		.executeTakeFirst();
	if (!board) throw new RegisterNotFound();
	const last = await db
		.selectFrom('signboard_events')
		.select((eb) => eb.fn.max('on_date').as('lastDate'))
		.where('signboard_id', '=', id)
		.executeTakeFirst();
	return { ...board, lastDate: (last?.lastDate as string | null) ?? null };
}

async function recordEvent(
	db: Db,
	actorId: number | null,
	pointId: number,
	id: number,
	kind: Exclude<SignboardEventKind, 'hung'>,
	input: { onDate: string; note?: string | null; photo?: () => Promise<PhotoOutcome> },
	today: string
): Promise<RegisterResult> {
	const from = kind === 'removed' ? 'hung' : 'removed';
	const check = async (q: Db) => {
		const board = await boardWithLastDate(q, pointId, id);
		if (board.state !== from) return refused('onDate', 'wrong_state');
		const problem = eventDateProblem(input.onDate, today, board.lastDate);
		return problem ? refused('onDate', problem) : null;
	};
	// Checked before the photo is stored, so a refused change leaves no orphan file behind.
	const early = await check(db);
	if (early) return early;
	let photoId: number | null = null;
	if (input.photo) {
		const saved = await input.photo();
		if (!saved.ok) return refused('photo', `photo_${saved.problem}`);
		photoId = saved.photoId;
	}
	return db.transaction().execute(async (trx) => {
		const late = await check(trx);
		if (late) return late;
		const at = now();
		const to = kind === 'removed' ? 'removed' : 'hung';
		await trx
			.insertInto('signboard_events')
			.values({
				signboard_id: id,
				kind,
				on_date: input.onDate,
				photo_id: photoId,
				note: input.note?.trim() || null,
				created_by: actorId,
				created_at: at
			})
			.execute();
		await trx.updateTable('signboards').set({ state: to, updated_at: at }).where('id', '=', id).execute();
		await writeAudit(trx, {
			userId: actorId,
			action: kind === 'removed' ? 'signboard.remove' : 'signboard.rehang',
			entityType: 'signboard',
			entityId: id,
			changes: {
				state: [from, to],
				on_date: input.onDate,
				...(photoId ? { photo_id: photoId } : {}),
				...(input.note?.trim() ? { note: input.note.trim() } : {})
			}
		});
		await pointChanged(trx, pointId);
		return { ok: true as const };
	});
}

/** Takes the plate down. `photo` stores the evidence photo, called only once the removal is valid. */
export function removeSignboard(
	db: Db,
	actorId: number | null,
	pointId: number,
	id: number,
	input: { removedOn: string; note?: string | null; photo?: () => Promise<PhotoOutcome> },
	today = chinaDate()
): Promise<RegisterResult> {
	return recordEvent(db, actorId, pointId, id, 'removed', { ...input, onDate: input.removedOn }, today);
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
): Promise<RegisterResult> {
	return recordEvent(db, actorId, pointId, id, 'rehung', { onDate: input.hungOn, note: input.note }, today);
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
	const boards = await db
		.selectFrom('signboards as s')
		.innerJoin('signboard_categories as c', 'c.id', 's.category_id')
		.select([
			's.id',
			's.text',
			's.placement',
			's.department',
			's.state',
			's.category_id as categoryId',
			'c.name as categoryName',
			'c.status as categoryStatus'
		])
		.where('s.point_id', '=', pointId)
		.orderBy('s.id')
		.execute();
	if (boards.length === 0) return [];
	const events = await db
		.selectFrom('signboard_events')
		.select(['id', 'signboard_id', 'kind', 'on_date as onDate', 'photo_id as photoId', 'note'])
		.where(
			'signboard_id',
			'in',
			boards.map((b) => b.id)
		)
		.orderBy('on_date')
		.orderBy('id')
		.execute();
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
