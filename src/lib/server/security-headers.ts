// The headers every response carries, from one place: the production server (src/cli/serve.ts)
// sets them before anything answers, so static files and SvelteKit's own refusals (a CSRF 403)
// have them too; the hooks set the same for `vite dev` and add what depends on the session.

/** A closed policy for anything that is not a page (pages get SvelteKit's CSP from svelte.config.js). */
export const CLOSED_CSP = "default-src 'none'; frame-ancestors 'none'";

/** The service worker fetches this origin (the app shell, the kept pages, the outbox) and nothing else. */
export const WORKER_CSP = "default-src 'none'; connect-src 'self'; frame-ancestors 'none'";
export const SERVICE_WORKER_PATH = '/service-worker.js';

export const HSTS = 'max-age=31536000; includeSubDomains';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
	'Content-Security-Policy': CLOSED_CSP,
	'X-Content-Type-Options': 'nosniff',
	'X-Frame-Options': 'DENY',
	'Referrer-Policy': 'same-origin',
	// Photos are taken through the file picker, which needs no permission.
	'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Resource-Policy': 'same-origin'
});

/** Whether the request reached us over https: directly, or through a TLS proxy that says so. */
export function servedOverHttps(origin: string | undefined, forwardedProto: string | undefined): boolean {
	return forwardedProto?.split(',')[0].trim() === 'https' || (origin ?? '').startsWith('https://');
}

/** Signed-in pages and downloads must not be kept by a shared cache or the back button. */
export const PRIVATE_CACHE = 'private, no-store';
