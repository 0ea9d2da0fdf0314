// Zod schemas for the forms, built per request so their messages follow the user's language.
import { z } from 'zod';
import { m } from '$lib/paraglide/messages.js';
import { roles } from '$lib/domain/roles';
import { optionalText, password, requiredText as required, text } from '$lib/forms/text-rule';

export const PASSWORD_MIN_LENGTH = 10;

export const signInSchema = () =>
	z.object({
		username: required(64),
		password: password(200).min(1, m.field_required())
	});

export const changePasswordSchema = () =>
	z
		.object({
			current: password(200).min(1, m.field_required()),
			next: password(200).min(PASSWORD_MIN_LENGTH, m.password_too_short({ min: PASSWORD_MIN_LENGTH })),
			confirm: password(200).min(1, m.field_required())
		})
		.refine((v) => v.next === v.confirm, { message: m.password_mismatch(), path: ['confirm'] });

export const pointSchema = () =>
	z.object({
		type: z.enum(['village', 'community'], { message: m.field_choose() }),
		contactName: optionalText(100),
		contactPhone: optionalText(40).refine(
			(v) => v == null || /^[\d+\-\s()]{5,40}$/.test(v),
			m.phone_invalid()
		)
	});

/** One row's "mark as point" form on /admin/regions; the code comes from a hidden field. */
export const markPointSchema = () =>
	z.object({
		code: z.string().default(''),
		type: z.enum(['village', 'community'], { message: m.field_choose() })
	});

/** The language switch in the top bar: an unknown locale is ignored, never refused. */
export const languageSchema = () =>
	z.object({
		locale: z.string().default(''),
		redirectTo: z.string().default('/')
	});

export const userSchema = () =>
	z.object({
		username: required(64).regex(/^[a-zA-Z0-9._-]+$/, m.username_invalid()),
		displayName: required(100),
		role: z.enum(roles, { message: m.field_choose() }),
		scopeCode: text(12)
			.regex(/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})?$/, m.region_code_invalid())
			.default('')
	});

export const userEditSchema = () => userSchema().omit({ username: true });

const isoDate = () => text(10).regex(/^\d{4}-\d{2}-\d{2}$/, m.date_invalid());

export const roundSchema = () =>
	z.object({
		name: required(200),
		periodKind: z.enum(['month', 'quarter', 'custom'], { message: m.field_choose() }),
		period: text(10).default(''),
		periodStart: text(10).default(''),
		periodEnd: text(10).default(''),
		templateVersionId: z.number({ message: m.field_choose() }).int().positive(m.field_choose()),
		targetRegion: text(12)
			.regex(/^(\d{2}|\d{4}|\d{6}|\d{9})?$/, m.region_code_invalid())
			.default(''),
		opensOn: isoDate(),
		dueOn: isoDate()
	});
