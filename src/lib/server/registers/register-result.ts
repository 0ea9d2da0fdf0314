import type { DateProblem } from '../../domain/registers';

/** Why a register change was refused, per field; the page shows each in the user's language. */
export type RegisterProblem =
	| DateProblem
	| 'required'
	| 'unknown_category'
	| 'unknown_item'
	| 'wrong_state'
	| 'bad_period'
	| 'not_whole_number'
	| 'end_before_start'
	| 'return_before_start'
	| 'approval_ref_required'
	| 'already_returned'
	| 'photo_empty'
	| 'photo_too_large'
	| 'photo_not_image'
	| 'photo_too_many_pixels';

export type RegisterResult<T = object> =
	({ ok: true } & T) | { ok: false; errors: Partial<Record<string, RegisterProblem>> };

export const refused = (field: string, problem: RegisterProblem) =>
	({ ok: false, errors: { [field]: problem } }) as const;

/** The thing asked for is not this point's: the page answers 404, as for any other scope miss. */
export class RegisterNotFound extends Error {
	constructor() {
		super('not found');
	}
}
