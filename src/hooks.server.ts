import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { m } from '$lib/paraglide/messages.js';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { lucia, toPublicUser } from '$lib/server/auth/session';
import { db } from '$lib/server/db';
import { bundledMigrations, migrateToLatest } from '$lib/server/db/migrator';
import { ensureDefaultTemplate } from '$lib/server/checklists/templates.service';
import { ensureStarterCatalogues } from '$lib/server/registers/catalogues.service';
import { resumeReports } from '$lib/server/reports/reports.service';
import { resumeRebuilds } from '$lib/server/trends/indicators.service';
import { startSweeps } from '$lib/server/sweep';
import { HSTS, PRIVATE_CACHE, SECURITY_HEADERS, servedOverHttps } from '$lib/server/security-headers';
import { compression } from '$lib/server/compression';

export const init: ServerInit = async () => {
	await migrateToLatest(db(), bundledMigrations);
	await ensureDefaultTemplate(db());
	await ensureStarterCatalogues(db());
	await resumeReports(db());
	await resumeRebuilds(db());
	startSweeps(db());
};

const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const h = response.headers;
	try {
		// Pages keep SvelteKit's CSP (svelte.config.js); the rest is the shared set.
		for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!h.has(k)) h.set(k, v);
		if (servedOverHttps(process.env.ORIGIN, event.request.headers.get('x-forwarded-proto') ?? undefined))
			h.set('Strict-Transport-Security', HSTS);
		if (event.locals.user && !h.has('Cache-Control')) h.set('Cache-Control', PRIVATE_CACHE);
	} catch {
		// Immutable headers (a proxied fetch response) are left as they are.
	}
	return response;
};

const i18n: Handle = ({ event, resolve }) =>
	paraglideMiddleware(event.request, ({ request, locale }) => {
		event.request = request;
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale === 'zh' ? 'zh-CN' : locale)
		});
	});

const auth: Handle = async ({ event, resolve }) => {
	const token = event.cookies.get(lucia.sessionCookieName);
	if (!token) {
		event.locals.user = null;
		event.locals.session = null;
		return resolve(event);
	}
	const { session, user } = await lucia.validateSession(token);
	if (session?.fresh) {
		const cookie = lucia.createSessionCookie(session.id);
		event.cookies.set(cookie.name, cookie.value, { path: '/', ...cookie.attributes });
	}
	if (!session) {
		const cookie = lucia.createBlankSessionCookie();
		event.cookies.set(cookie.name, cookie.value, { path: '/', ...cookie.attributes });
	}
	event.locals.user = user ? toPublicUser(user) : null;
	event.locals.session = session;
	return resolve(event);
};

export const handle = sequence(compression, securityHeaders, i18n, auth);

// Users see a short message in their language; the stack stays in the server log.
export const handleError: HandleServerError = ({ error, status }) => {
	if (status >= 500) console.error(error);
	return { message: status === 404 ? m.error_not_found() : m.error_generic() };
};
