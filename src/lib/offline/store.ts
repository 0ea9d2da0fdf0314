// What the phone keeps: one draft per user, point and round (the server version it started from,
// the fields as the server had them then, and what was typed since), and the outbox of actions
// waiting for a connection. IndexedDB through `idb`; used by the page and the service worker.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Fields, ServerCopy } from '../domain/draft-merge';

export type { ServerCopy };

export interface Draft {
	/** `${userId}:${pointId}:${roundId}` */
	id: string;
	userId: string;
	pointId: number;
	roundId: number;
	baseVersion: number | null;
	/** Every field as the server had it at baseVersion. */
	base: Fields;
	/** Fields changed on the phone that the server does not hold yet. */
	typed: Fields;
	/** The sentences of the last refused action, by item key ('' for the form). */
	problems: Record<string, string>;
	/** The server copy moved on in a way the staff member must decide. */
	conflict: ServerCopy | null;
	/** Sending stopped until the next sign-in ('signin') or for good ('gone'). */
	blocked: 'signin' | 'gone' | null;
	/** The last queued submit landed (status as the server said). */
	landed: string | null;
	updatedAt: number;
}

export interface Entry {
	seq?: number;
	draftId: string;
	kind: 'save' | 'submit';
	token: string;
	/** Only for saves: the fields this save sends (fixed, so a replay is the same save). */
	fields: Fields;
	attempts: number;
	nextAt: number;
}

interface Schema extends DBSchema {
	drafts: { key: string; value: Draft; indexes: { user: string } };
	outbox: { key: number; value: Entry; indexes: { draft: string } };
}

let opened: Promise<IDBPDatabase<Schema>> | null = null;

export function offlineDb(): Promise<IDBPDatabase<Schema>> {
	opened ??= openDB<Schema>('jianfu-offline', 1, {
		upgrade(db) {
			db.createObjectStore('drafts', { keyPath: 'id' }).createIndex('user', 'userId');
			db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true }).createIndex('draft', 'draftId');
		}
	});
	return opened;
}

export const draftId = (userId: string, pointId: number, roundId: number) =>
	`${userId}:${pointId}:${roundId}`;

/** A token for one queued action (crypto.randomUUID needs a secure context; this does not). */
export function newToken(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function readDraft(id: string): Promise<Draft | undefined> {
	return (await offlineDb()).get('drafts', id);
}

export async function writeDraft(draft: Draft): Promise<void> {
	await (await offlineDb()).put('drafts', { ...draft, updatedAt: Date.now() });
}

export async function dropDraft(id: string): Promise<void> {
	const db = await offlineDb();
	const tx = db.transaction(['drafts', 'outbox'], 'readwrite');
	await tx.objectStore('drafts').delete(id);
	for (const key of await tx.objectStore('outbox').index('draft').getAllKeys(id))
		await tx.objectStore('outbox').delete(key);
	await tx.done;
}

/** The draft's queued actions, oldest first. */
export async function entriesOf(id: string): Promise<Entry[]> {
	const all = await (await offlineDb()).getAllFromIndex('outbox', 'draft', id);
	return all.sort((a, b) => a.seq! - b.seq!);
}

/** Writes the draft and queues an action in one transaction: both land or neither. */
export async function queue(draft: Draft, entry: Omit<Entry, 'attempts' | 'nextAt' | 'draftId'>) {
	const db = await offlineDb();
	const tx = db.transaction(['drafts', 'outbox'], 'readwrite');
	await tx.objectStore('drafts').put({ ...draft, updatedAt: Date.now() });
	await tx.objectStore('outbox').add({ ...entry, draftId: draft.id, attempts: 0, nextAt: 0 });
	await tx.done;
}

export async function updateEntry(entry: Entry): Promise<void> {
	await (await offlineDb()).put('outbox', entry);
}

export async function removeEntries(seqs: number[]): Promise<void> {
	const db = await offlineDb();
	const tx = db.transaction('outbox', 'readwrite');
	for (const seq of seqs) await tx.store.delete(seq);
	await tx.done;
}

/** Drafts with something queued. */
export async function queuedDraftIds(): Promise<string[]> {
	const all = await (await offlineDb()).getAll('outbox');
	return [...new Set(all.map((e) => e.draftId))];
}

/** The server copy as form fields (`a.<item>`, `n.<item>`), the shape drafts keep. */
export function copyFields(copy: Pick<ServerCopy, 'values' | 'notes'>): Fields {
	const fields: Fields = {};
	for (const [key, value] of Object.entries(copy.values)) {
		fields[`a.${key}`] = value;
		fields[`n.${key}`] = copy.notes[key] ?? '';
	}
	return fields;
}

/**
 * Changes a draft in one transaction on its current stored copy, so a change the page wrote
 * meanwhile (typing while a save was on its way) is not overwritten by an older copy.
 */
export async function updateDraft(id: string, change: (d: Draft) => void): Promise<Draft | undefined> {
	const db = await offlineDb();
	const tx = db.transaction('drafts', 'readwrite');
	const draft = await tx.store.get(id);
	if (draft) {
		change(draft);
		draft.updatedAt = Date.now();
		await tx.store.put(draft);
	}
	await tx.done;
	return draft;
}

/** Stores the draft unless one is there already (the first keystroke on a checklist). */
export async function ensureDraft(draft: Draft): Promise<void> {
	const db = await offlineDb();
	const tx = db.transaction('drafts', 'readwrite');
	if (!(await tx.store.getKey(draft.id))) await tx.store.put({ ...draft, updatedAt: Date.now() });
	await tx.done;
}

export async function addEntry(draftId: string, entry: Omit<Entry, 'attempts' | 'nextAt' | 'draftId'>) {
	await (await offlineDb()).add('outbox', { ...entry, draftId, attempts: 0, nextAt: 0 });
}
