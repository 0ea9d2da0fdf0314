// Sends queued actions, oldest first, one checklist at a time: on the page's load, on the
// `online` event, on a retry timer with backoff, and from the service worker's sync where the
// browser has one. A save whose answer was lost is sent again with the same token and the server
// applies it once. A refused save stays typed on the phone with its sentences; a server copy that
// moved on differently stops the queue until the staff member decides.
import { rebase, sameField, unsent, type Fields } from '../domain/draft-merge';
import {
	copyFields,
	entriesOf,
	queuedDraftIds,
	readDraft,
	removeEntries,
	updateEntry,
	writeDraft,
	type Draft,
	type Entry,
	type ServerCopy
} from './store';

export const OUTBOX_CHANNEL = 'jianfu-outbox';
export const SYNC_TAG = 'jianfu-outbox';

/** 2 s, 4 s, 8 s … at most two minutes between tries. */
export const backoff = (attempts: number) => Math.min(120_000, 2_000 * 2 ** Math.max(0, attempts - 1));

const endpoint = (d: Draft) => `/api/checklists/${d.pointId}/${d.roundId}`;

function body(entry: Entry, draft: Draft) {
	const values: Record<string, string | string[]> = {};
	const notes: Record<string, string> = {};
	for (const [field, v] of Object.entries(entry.fields)) {
		if (field.startsWith('a.')) values[field.slice(2)] = v;
		else if (field.startsWith('n.') && typeof v === 'string') notes[field.slice(2)] = v;
	}
	return { kind: entry.kind, token: entry.token, expectedVersion: draft.baseVersion, values, notes };
}

function announce(id: string) {
	if (typeof BroadcastChannel === 'undefined') return;
	const channel = new BroadcastChannel(OUTBOX_CHANNEL);
	channel.postMessage({ draftId: id });
	channel.close();
}

type Outcome = 'sent' | 'rebased' | 'wait' | 'stop';

/**
 * The server copy moved on: carry the phone's changes over where nobody else touched them, and
 * take out of the queued saves any field the server changed that the phone did not.
 */
function moved(draft: Draft, server: ServerCopy, queued: Entry[]): boolean {
	const fields = copyFields(server);
	const r = rebase(draft.base, draft.typed, fields);
	if (r.conflicts.length > 0 || !server.editable) {
		draft.conflict = server;
		return false;
	}
	for (const entry of queued)
		entry.fields = Object.fromEntries(
			Object.entries(entry.fields).filter(([f]) => f in r.mine || sameField(draft.base[f], fields[f]))
		);
	draft.base = fields;
	draft.baseVersion = server.version;
	draft.typed = r.mine;
	return true;
}

async function sendOne(draft: Draft, queued: Entry[], fetcher: typeof fetch): Promise<Outcome> {
	const entry = queued[0]!;
	let res: Response;
	try {
		res = await fetcher(endpoint(draft), {
			method: 'POST',
			headers: { 'content-type': 'application/json', accept: 'application/json' },
			credentials: 'same-origin',
			body: JSON.stringify(body(entry, draft))
		});
	} catch {
		return 'wait';
	}
	if (res.status >= 500 || res.status === 429) return 'wait';
	if (res.status === 401 || res.status === 403) {
		draft.blocked = 'signin';
		return 'stop';
	}
	if (res.status === 404) {
		draft.blocked = 'gone';
		return 'stop';
	}
	const answer = await res.json().catch(() => null);
	if (!answer) return 'wait';
	if (res.ok && answer.ok) {
		draft.base = { ...draft.base, ...entry.fields };
		draft.baseVersion = answer.version;
		draft.typed = unsent(draft.base, draft.typed);
		draft.problems = {};
		if (entry.kind === 'submit') draft.landed = answer.status;
		return 'sent';
	}
	if (res.status === 409 && answer.server) return moved(draft, answer.server, queued) ? 'rebased' : 'stop';
	// Refused as typed: the answers stay on the phone with their sentences, nothing else goes.
	draft.problems = answer.problems ?? { '': answer.message ?? '' };
	return 'stop';
}

/** Sends what one draft has queued; returns when the next try is due (or null: nothing left). */
async function flushDraft(id: string, fetcher: typeof fetch): Promise<number | null> {
	const draft = await readDraft(id);
	const entries = await entriesOf(id);
	if (!draft) {
		await removeEntries(entries.map((e) => e.seq!));
		return null;
	}
	if (draft.conflict || draft.blocked) return null;
	let rebased = 0;
	for (let i = 0; i < entries.length; i++) {
		const entry = entries[i]!;
		if (entry.nextAt > Date.now()) return entry.nextAt;
		const outcome = await sendOne(draft, entries.slice(i), fetcher);
		if (outcome === 'sent') {
			await removeEntries([entry.seq!]);
			await writeDraft(draft);
			announce(id);
			continue;
		}
		if (outcome === 'stop') {
			// A refused action takes the rest of its queue with it: a submit must not follow a
			// save that did not land. Sign-in blocks keep the queue for the next sign-in.
			if (!draft.blocked || draft.blocked === 'gone')
				await removeEntries(entries.slice(i).map((e) => e.seq!));
			await writeDraft(draft);
			announce(id);
			return null;
		}
		if (outcome === 'rebased' && rebased < 2) {
			// Carried over onto the server copy without a conflict: the same action again at once.
			rebased++;
			await writeDraft(draft);
			for (const e of entries.slice(i)) await updateEntry(e);
			i--;
			continue;
		}
		entry.attempts++;
		entry.nextAt = Date.now() + backoff(entry.attempts);
		await updateEntry(entry);
		announce(id);
		return entry.nextAt;
	}
	return null;
}

let running: Promise<number | null> | null = null;

/**
 * Sends everything queued, once at a time per browser (a lock shared with the service worker
 * where the browser has one). Returns when the earliest retry is due, or null.
 */
export function flushOutbox(fetcher: typeof fetch = fetch): Promise<number | null> {
	running ??= (async () => {
		try {
			const work = async () => {
				let next: number | null = null;
				for (const id of await queuedDraftIds()) {
					const due = await flushDraft(id, fetcher);
					if (due !== null) next = next === null ? due : Math.min(next, due);
				}
				return next;
			};
			const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
			return locks ? await locks.request(OUTBOX_CHANNEL, work) : await work();
		} finally {
			running = null;
		}
	})();
	return running;
}

export type { Fields };
