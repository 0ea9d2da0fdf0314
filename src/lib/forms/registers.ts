// Zod schemas for the register forms, built per request so their messages follow the user's
// language. The page reads them with superforms: the plate and secondment forms through
// superForm, the forms repeated per row (one removal form per plate) through the failed form
// the action sends back, told apart by the row's id.
import { z } from 'zod';
import { m } from '$lib/paraglide/messages.js';
import { optionalText, requiredText as required, text } from '$lib/forms/text-rule';

/**
 * The forms' ids. The plate and secondment forms are one each on the page; the others repeat per
 * row and are told apart by the row's id in their data.
 */
export const registerFormIds = {
	addPlate: 'addPlate',
	removePlate: 'removePlate',
	rehangPlate: 'rehangPlate',
	setCertificate: 'setCertificate',
	countCertificate: 'countCertificate',
	secondment: 'secondment',
	returnSecondment: 'returnSecondment'
} as const;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const date = () => text(10).regex(ISO_DATE, m.date_invalid());
const optionalDate = () => optionalText(10).refine((v) => v == null || ISO_DATE.test(v), m.date_invalid());
const id = () => z.coerce.number({ message: m.field_choose() }).int().positive(m.field_choose());

/** '' takes the category's placement. */
export const plateSchema = () =>
	z.object({
		text: required(200, { multiline: true }),
		categoryId: id(),
		placement: z.enum(['', 'exterior', 'interior', 'wall'], { message: m.field_choose() }).default(''),
		department: optionalText(200),
		hungOn: date(),
		note: optionalText(500, { multiline: true })
	});

export const removeSchema = () =>
	z.object({ id: id(), removedOn: date(), note: optionalText(500, { multiline: true }) });
export const rehangSchema = () =>
	z.object({ id: id(), hungOn: date(), note: optionalText(500, { multiline: true }) });

export const certificateStatusSchema = () =>
	z.object({
		itemId: id(),
		status: z.enum(['issuing', 'stopped'], { message: m.field_choose() }),
		since: date()
	});

export const certificateCountSchema = () =>
	z.object({
		itemId: id(),
		periodKind: z.enum(['month', 'quarter'], { message: m.field_choose() }),
		period: required(8),
		issued: text(7)
			.regex(/^\d{1,7}$/, m.register_not_whole_number())
			.transform(Number)
	});

/** The same form adds a case and edits one (the edit posts the case's id beside it). */
export const secondmentSchema = () =>
	z.object({
		personName: required(100),
		post: optionalText(100),
		borrowingUnit: required(200),
		startDate: date(),
		expectedEnd: optionalDate(),
		approved: z.boolean().default(false),
		approvalRef: optionalText(100)
	});

export const returnSchema = () => z.object({ id: id(), returnDate: date() });
