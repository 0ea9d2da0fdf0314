// A stand-in for SvelteKit's RequestEvent, enough to drive a route's load and actions directly.
import type { Cookies, RequestEvent, ServerLoadEvent } from '@sveltejs/kit';
import type { Session } from 'lucia';
import type { PublicUser } from '../../src/lib/domain/roles';
import { overwriteGetLocale } from '../../src/lib/paraglide/runtime.js';

type CookieOptions = Parameters<Cookies['set']>[2];

/** Cookies kept in memory, with every set and delete recorded for assertions. */
export interface CookieJar extends Cookies {
	readonly values: Map<string, string>;
	readonly sets: { name: string; value: string; opts: CookieOptions }[];
	readonly deletes: string[];
}

export function cookieJar(initial: Record<string, string> = {}): CookieJar {
	const values = new Map(Object.entries(initial));
	const sets: CookieJar['sets'] = [];
	const deletes: string[] = [];
	return {
		values,
		sets,
		deletes,
		get: (name) => values.get(name),
		getAll: () => [...values].map(([name, value]) => ({ name, value })),
		set: (name, value, opts) => {
			sets.push({ name, value, opts });
			values.set(name, value);
		},
		delete: (name) => {
			deletes.push(name);
			values.delete(name);
		},
		serialize: (name, value) => `${name}=${value}`
	};
}

export type TestEvent = RequestEvent &
	Pick<ServerLoadEvent, 'parent' | 'depends' | 'untrack'> & { cookies: CookieJar };

export interface EventOptions {
	user?: PublicUser | null;
	session?: Session | null;
	/** Defaults to POST when a form is given, GET otherwise. */
	method?: string;
	/** A list value is sent as the same field repeated, as a group of checkboxes posts it. */
	form?: FormData | Record<string, string | string[]>;
	/** A path or a full URL. */
	url?: string;
	params?: Record<string, string>;
	ip?: string;
	cookies?: Record<string, string>;
}

export function makeEvent(options: EventOptions = {}): TestEvent {
	const url = new URL(options.url ?? '/', 'http://localhost');
	const method = options.method ?? (options.form ? 'POST' : 'GET');
	let body: FormData | undefined;
	if (options.form instanceof FormData) body = options.form;
	else if (options.form) {
		body = new FormData();
		for (const [k, v] of Object.entries(options.form))
			for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
	}
	const request = new Request(url, { method, body });
	const event = {
		request,
		url,
		params: options.params ?? {},
		locals: { user: options.user ?? null, session: options.session ?? null },
		cookies: cookieJar(options.cookies),
		getClientAddress: () => options.ip ?? '203.0.113.7',
		route: { id: null },
		setHeaders: () => {},
		fetch: () => Promise.reject(new Error('fetch is not available in route tests')),
		platform: undefined,
		isDataRequest: false,
		isSubRequest: false,
		isRemoteRequest: false,
		parent: async () => ({}),
		depends: () => {},
		untrack: <T>(fn: () => T) => fn()
	};
	return event as unknown as TestEvent;
}

// Route modules annotate load/actions with their generated types; the loose signature lets one
// fake event drive any of them, and the result keeps the handler's own return type.
type Handler = (event: never) => unknown;

export async function callLoad<F extends Handler>(
	fn: F,
	event: TestEvent
): Promise<Exclude<Awaited<ReturnType<F>>, void>> {
	const result = await (fn as unknown as (e: TestEvent) => unknown)(event);
	if (result === undefined) throw new Error('load returned nothing');
	return result as Exclude<Awaited<ReturnType<F>>, void>;
}

export async function callAction<F extends Handler | undefined>(fn: F, event: TestEvent): Promise<unknown> {
	if (!fn) throw new Error('no such action');
	return (fn as unknown as (e: TestEvent) => unknown)(event);
}

/** What a call threw (a Redirect, an HttpError…); fails when it returned instead. */
export async function thrownBy(run: () => unknown): Promise<unknown> {
	try {
		await run();
	} catch (e) {
		return e;
	}
	throw new Error('expected the call to throw, but it returned');
}

/** Messages resolve as for a visitor with no language cookie: the base locale, or the one given. */
export function useLocale(locale: 'zh' | 'en' = 'zh'): void {
	overwriteGetLocale(() => locale);
}
