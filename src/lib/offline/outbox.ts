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
	updateDraft,
	updateEntry,
	type Draft,
	type Entry,
	type ServerCopy
} from './store';

export const OUTBOX_CHANNEL = 'jianfu-outbox';
export const SYNC_TAG = 'jianfu-outbox';

/**
 * A send that has not answered by then is given up and tried again later: only one flush runs at
 * a time, so one request left hanging (a network that drops packets rather than refusing) would
 * otherwise hold back every later save.
 */
export const SEND_TIMEOUT_MS = 20_000;
/** How long a flush waits for another one (the service worker's) to let go. */
const LOCK_WAIT_MS = 30_000;

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
type Change = (d: Draft) => void;

/**
 * The server copy moved on: carry the phone's changes over where nobody else touched them, and
 * take out of the queued saves any field the server changed that the phone did not. Returns
 * whether that worked without a conflict (else the draft keeps the copy for the staff member).
 */
export function moved(d: Draft, server: ServerCopy, queued: Entry[] = []): boolean {
	const fields = copyFields(server);
	const r = rebase(d.base, d.typed, fields);
	if (r.conflicts.length > 0 || !server.editable) {
		d.conflict = server;
		return false;
	}
	for (const entry of queued)
		entry.fields = Object.fromEntries(
			Object.entries(entry.fields).filter(([f]) => f in r.mine || sameField(d.base[f], fields[f]))
		);
	d.base = fields;
	d.baseVersion = server.version;
	d.typed = r.mine;
	return true;
}

async function sendOne(
	draft: Draft,
	queued: Entry[],
	fetcher: typeof fetch
): Promise<{ outcome: Outcome; change?: Change }> {
	const entry = queued[0]!;
	let res: Response;
	try {
		res = await fetcher(endpoint(draft), {
			method: 'POST',
			headers: { 'content-type': 'application/json', accept: 'application/json' },
			credentials: 'same-origin',
			body: JSON.stringify(body(entry, draft)),
			signal: AbortSignal.timeout(SEND_TIMEOUT_MS)
		});
	} catch {
		return { outcome: 'wait' };
	}
	if (res.status >= 500 || res.status === 429) return { outcome: 'wait' };
	if (res.status === 401 || res.status === 403)
		return { outcome: 'stop', change: (d) => void (d.blocked = 'signin') };
	if (res.status === 404) return { outcome: 'stop', change: (d) => void (d.blocked = 'gone') };
	// The body can stall too; the same signal ends it, and an unread answer is a retry.
	const answer = await res.json().catch(() => null);
	if (!answer) return { outcome: 'wait' };
	if (res.ok && answer.ok)
		return {
			outcome: 'sent',
			change: (d) => {
				d.base = { ...d.base, ...entry.fields };
				d.baseVersion = answer.version;
				d.typed = unsent(d.base, d.typed);
				d.problems = {};
				if (entry.kind === 'submit') d.landed = answer.status;
			}
		};
	if (res.status === 409 && answer.server) {
		let ok = false;
		return {
			get outcome(): Outcome {
				return ok ? 'rebased' : 'stop';
			},
			change: (d) => void (ok = moved(d, answer.server, queued))
		};
	}
	// Refused as typed: the answers stay on the phone with their sentences, nothing else goes.
	const problems = answer.problems ?? { '': answer.message ?? '' };
	return { outcome: 'stop', change: (d) => void (d.problems = problems) };
}

/** Sends what one draft has queued; returns when the next try is due (or null: nothing left). */
async function flushDraft(id: string, fetcher: typeof fetch, now: boolean): Promise<number | null> {
	const entries = await entriesOf(id);
	let draft = await readDraft(id);
	if (!draft) {
		await removeEntries(entries.map((e) => e.seq!));
		return null;
	}
	if (draft.conflict || draft.blocked) return null;
	let rebased = 0;
	for (let i = 0; i < entries.length; i++) {
		const entry = entries[i]!;
		if (!now && entry.nextAt > Date.now()) return entry.nextAt;
		const sent = await sendOne(draft, entries.slice(i), fetcher);
		if (sent.change) draft = (await updateDraft(id, sent.change)) ?? draft;
		const outcome = sent.outcome;
		if (outcome === 'sent') {
			await removeEntries([entry.seq!]);
			announce(id);
			continue;
		}
		if (outcome === 'stop') {
			// A refused action takes the rest of its queue with it: a submit must not follow a
			// save that did not land. Sign-in blocks keep the queue for the next sign-in.
			if (draft.blocked !== 'signin') await removeEntries(entries.slice(i).map((e) => e.seq!));
			announce(id);
			return null;
		}
		if (outcome === 'rebased' && rebased < 2) {
			// Carried over onto the server copy without a conflict: the same action again at once.
			rebased++;
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
 * where the browser has one). Returns when the earliest retry is due, or null. `now` (the
 * network just came back, the page just loaded) tries at once whatever the backoff said.
 */
export function flushOutbox(options: { now?: boolean; fetcher?: typeof fetch } = {}): Promise<number | null> {
	const fetcher = options.fetcher ?? fetch;
	// One at a time; a flush asked for "now" while another runs goes again after it, since the
	// running one may be a timer's that found nothing due or a try that just failed offline.
	if (running && options.now) return running.then(() => flushOutbox(options));
	running ??= (async () => {
		try {
			const work = async () => {
				let next: number | null = null;
				for (const id of await queuedDraftIds()) {
					const due = await flushDraft(id, fetcher, options.now ?? false);
					if (due !== null) next = next === null ? due : Math.min(next, due);
				}
				return next;
			};
			const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
			if (!locks) return await work();
			// Another flush holding on past the wait: try again a little later.
			return await locks
				.request(OUTBOX_CHANNEL, { signal: AbortSignal.timeout(LOCK_WAIT_MS) }, work)
				.catch(() => Date.now() + backoff(1));
		} finally {
			running = null;
		}
	})();
	return running;
}

export type { Fields };
