// The one way a service says no. A rule that refuses throws a Refusal naming the field and a code
// from the one code → sentence map (src/lib/text/refusals.ts); thrown inside a transaction it
// rolls the whole write back, so nothing is half-written. Anything else thrown is a fault.
import type { Problem, RefusalCode, RefusalParams } from '../text/refusals';

export type RefusalStatus = 400 | 404 | 409 | 410 | 413 | 429;

/** The field a refusal belongs to; '' is the form as a whole. */
export type ProblemsByField = Readonly<Record<string, Problem>>;

export class Refusal extends Error {
	constructor(
		readonly problems: ProblemsByField,
		readonly status: RefusalStatus = 400
	) {
		super(
			`refused: ${Object.values(problems)
				.map((p) => p.code)
				.join(', ')}`
		);
		this.name = 'Refusal';
	}

	/** The first problem's code, for callers (and tests) that expect one. */
	get code(): RefusalCode {
		return Object.values(this.problems)[0]!.code;
	}

	get field(): string {
		return Object.keys(this.problems)[0]!;
	}
}

/** Refuse with one problem on one field. */
export function refuse(
	field: string,
	code: RefusalCode,
	params?: RefusalParams,
	status?: RefusalStatus
): never {
	throw new Refusal({ [field]: params ? { code, params } : { code } }, status);
}

/** The thing asked for is not in the user's scope (or does not exist): the route answers 404. */
export function refuseNotFound(): never {
	throw new Refusal({ '': { code: 'not_found' } }, 404);
}

export const isRefusal = (e: unknown): e is Refusal => e instanceof Refusal;
