// The checklist page's side of the offline layer: restores what was typed on this phone, keeps
// each change as it is typed, queues saves and the submit, and says in the page's words what is
// happening. The sending itself is the outbox's (shared with the service worker).
import { rebase, resolve, unsent, type Conflict, type Fields } from '../domain/draft-merge';
import { flushOutbox, moved, OUTBOX_CHANNEL, SYNC_TAG } from './outbox';
import {
	addEntry,
	copyFields,
	draftId,
	dropDraft,
	entriesOf,
	newToken,
	queue,
	ensureDraft,
	readDraft,
	updateDraft,
	updateEntry,
	writeDraft,
	type Draft,
	type ServerCopy
} from './store';

export type SyncState =
	'idle' | 'local' | 'sending' | 'saved' | 'submitted' | 'refused' | 'conflict' | 'signin' | 'gone';

/** How long a save waits for the network before the page moves on and leaves it queued. */
const WAIT_MS = 6_000;

export interface ChecklistRef {
	userId: string;
	pointId: number;
	roundId: number;
	/** The server copy the page was rendered with. */
	copy: ServerCopy;
}

/** What the staff member must see: each field both sides changed or, when the server copy can no longer change, each field that differs. */
function conflictsWith(d: Draft, copy: ServerCopy): Conflict[] {
	const server = copyFields(copy);
	if (copy.editable) return rebase(d.base, d.typed, server).conflicts;
	return Object.entries(unsent(server, d.typed)).map(([field, mine]) => ({
		field,
		mine,
		server: server[field] ?? ''
	}));
}

export class ChecklistDraft {
	state = $state<SyncState>('idle');
	/** Fields typed on this phone that the server does not hold. */
	unsent = $state<Fields>({});
	queued = $state(0);
	problems = $state<Record<string, string>>({});
	conflicts = $state<Conflict[]>([]);
	conflictCopy = $state<ServerCopy | null>(null);
	restored = $state(false);

	readonly id: string;
	readonly #fields: Fields;
	#draft: Draft;
	#timer: ReturnType<typeof setTimeout> | null = null;
	#channel: BroadcastChannel | null = null;
	#cleanup: (() => void)[] = [];

	constructor(private ref: ChecklistRef) {
		this.id = draftId(ref.userId, ref.pointId, ref.roundId);
		this.#fields = copyFields(ref.copy);
		this.#draft = this.#fresh();
	}

	#fresh(): Draft {
		return {
			id: this.id,
			userId: this.ref.userId,
			pointId: this.ref.pointId,
			roundId: this.ref.roundId,
			baseVersion: this.ref.copy.version,
			base: { ...this.#fields },
			typed: {},
			problems: {},
			conflict: null,
			blocked: null,
			landed: null,
			updatedAt: Date.now()
		};
	}

	/**
	 * Reads this phone's draft and sets it against the copy the page came with. Returns the fields
	 * to show over the server's (what was typed here), or null when there is nothing.
	 */
	async open(): Promise<Fields | null> {
		const online = () => void this.flush(true);
		addEventListener('online', online);
		this.#cleanup.push(() => removeEventListener('online', online));
		if (typeof BroadcastChannel !== 'undefined') {
			this.#channel = new BroadcastChannel(OUTBOX_CHANNEL);
			this.#channel.onmessage = (e) => {
				if (e.data?.draftId === this.id) void this.#reload();
			};
		}
		const stored = await readDraft(this.id);
		if (stored) {
			this.#draft = stored;
			const copy = this.ref.copy;
			if (
				!stored.conflict &&
				Object.keys(stored.typed).length === 0 &&
				(await entriesOf(this.id)).length === 0
			) {
				// Nothing of this phone's is pending: the page's copy is the base.
				stored.base = { ...this.#fields };
				stored.baseVersion = copy.version;
			} else if (!stored.conflict && (stored.baseVersion !== copy.version || !copy.editable)) {
				// The server moved on since this phone last heard from it: as the outbox does on a 409.
				const queued = await entriesOf(this.id);
				if (moved(stored, copy, queued)) for (const e of queued) await updateEntry(e);
			}
			// The page shows the server's status now; a submit that landed before is history.
			stored.landed = null;
			// A blocked sign-in is retried now the page loaded with a session.
			if (stored.blocked === 'signin') stored.blocked = null;
			await writeDraft(stored);
		}
		this.#show();
		void this.flush(true);
		const shown = this.#draft.conflict ? {} : this.#draft.typed;
		this.restored = Object.keys(shown).length > 0;
		return this.restored ? { ...shown } : null;
	}

	close() {
		for (const c of this.#cleanup) c();
		this.#channel?.close();
		if (this.#timer) clearTimeout(this.#timer);
	}

	/** Keeps what is on screen as it is typed: written at once, so a reload or a flat battery loses nothing. */
	typed(fields: Fields): Promise<void> {
		this.#draft.typed = unsent(this.#draft.base, { ...this.#draft.typed, ...fields });
		this.unsent = { ...this.#draft.typed };
		// In order, and onto the stored copy: the outbox may have moved its base meanwhile.
		const fresh = $state.snapshot(this.#draft) as Draft;
		this.#writes = this.#writes
			.then(() => ensureDraft(fresh))
			.then(() => updateDraft(this.id, (d) => void (d.typed = unsent(d.base, { ...d.typed, ...fields }))))
			.then(() => {});
		return this.#writes;
	}

	#writes: Promise<void> = Promise.resolve();

	/**
	 * Queues a save of these fields (a section, all of it) and tries to send it. Resolves with what
	 * became of it within a few seconds: 'saved', 'queued' (no network: it stays in the outbox),
	 * 'refused' (see `problems`) or 'conflict'.
	 */
	async save(fields: Fields): Promise<'saved' | 'queued' | 'refused' | 'conflict'> {
		await this.typed(fields);
		await addEntry(this.id, { kind: 'save', token: newToken(), fields });
		return this.#send();
	}

	/** Queues the submit (after any queued saves) and tries to send it. */
	async submit(token: string): Promise<'submitted' | 'queued' | 'refused' | 'conflict'> {
		await this.#writes;
		await ensureDraft($state.snapshot(this.#draft) as Draft);
		await updateDraft(this.id, (d) => void (d.landed = null));
		// Anything typed but never saved goes first, so the submit sends what is on screen.
		if (Object.keys(this.#draft.typed).length > 0)
			await addEntry(this.id, { kind: 'save', token: newToken(), fields: { ...this.#draft.typed } });
		await addEntry(this.id, { kind: 'submit', token, fields: {} });
		const outcome = await this.#send();
		return outcome === 'saved' ? 'submitted' : outcome;
	}

	async #send() {
		this.#register();
		const flushed = this.flush();
		const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), WAIT_MS));
		await Promise.race([flushed, timeout]);
		await this.#reload();
		if (this.conflicts.length > 0 || this.#draft.conflict) return 'conflict';
		if (Object.keys(this.problems).length > 0) return 'refused';
		return this.queued > 0 ? 'queued' : 'saved';
	}

	/** Asks the service worker to send the outbox in the background where the browser can. */
	#register() {
		if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
		navigator.serviceWorker.ready
			.then((reg) =>
				(reg as ServiceWorkerRegistration & { sync?: { register(t: string): Promise<void> } }).sync?.register(
					SYNC_TAG
				)
			)
			.catch(() => {});
	}

	/** Sends what is queued now, and sets the retry timer for what could not go. */
	async flush(now = false): Promise<void> {
		if (this.#timer) clearTimeout(this.#timer);
		this.state = this.queued > 0 ? 'sending' : this.state;
		const due = await flushOutbox({ now });
		if (due !== null) this.#timer = setTimeout(() => void this.flush(), Math.max(500, due - Date.now()));
		await this.#reload();
	}

	async #reload() {
		const stored = await readDraft(this.id);
		if (stored) this.#draft = stored;
		this.queued = (await entriesOf(this.id)).length;
		this.#show();
	}

	#show() {
		const d = this.#draft;
		this.unsent = { ...d.typed };
		this.problems = { ...d.problems };
		this.conflictCopy = d.conflict;
		this.conflicts = d.conflict ? conflictsWith(d, d.conflict) : [];
		this.state = d.conflict
			? 'conflict'
			: d.blocked
				? d.blocked
				: Object.keys(d.problems).length
					? 'refused'
					: this.queued > 0
						? navigator.onLine === false
							? 'local'
							: 'sending'
						: d.landed === 'submitted'
							? 'submitted'
							: this.state === 'idle'
								? 'idle'
								: 'saved';
	}

	/**
	 * The staff member chose, field by field: the phone's value where they kept it, else the
	 * server's. Everything kept is queued again against the server copy.
	 */
	async resolve(keepMine: ReadonlySet<string>): Promise<void> {
		const d = this.#draft;
		const copy = d.conflict ?? this.ref.copy;
		const serverFields = copyFields(copy);
		const r = rebase(d.base, d.typed, serverFields);
		const mine = resolve(r, keepMine);
		await dropDraft(this.id);
		this.#draft = {
			...this.#fresh(),
			baseVersion: copy.version,
			base: serverFields,
			typed: mine
		};
		if (Object.keys(mine).length === 0) {
			await writeDraft(this.#draft);
			await this.#reload();
			return;
		}
		await queue(this.#draft, { kind: 'save', token: newToken(), fields: mine });
		await this.#send();
	}

	/** Drops what this phone holds for the checklist. */
	async discard(): Promise<void> {
		await dropDraft(this.id);
		this.#draft = this.#fresh();
		this.queued = 0;
		this.#show();
		this.state = 'idle';
	}
}
