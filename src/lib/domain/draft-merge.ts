// What a phone typed offline, set against the server copy when it comes back. Fields are keyed as
// the form posts them (`a.<item>` for an answer, `n.<item>` for its reason). A field the phone
// changed where the server still holds what the phone started from is kept; a field the server
// changed to something else meanwhile is a conflict for the staff member to decide: never silently.

export type FieldValue = string | string[];
export type Fields = Record<string, FieldValue>;

/** The server copy of a checklist, as the outbox endpoint sends it and a conflict shows it. */
export interface ServerCopy {
	version: number | null;
	status: string | null;
	reviewNote: string | null;
	/** Every item as the form shows it (saved, else prefilled, register items as the register says). */
	values: Record<string, string | string[]>;
	notes: Record<string, string>;
	/** Items the server holds an answer for. */
	saved: string[];
	/** The round is open and the submission can still change. */
	editable: boolean;
}

export interface Conflict {
	field: string;
	mine: FieldValue;
	server: FieldValue;
}

const blank = (v: FieldValue | undefined): FieldValue => v ?? '';

export function sameField(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
	const x = blank(a);
	const y = blank(b);
	if (Array.isArray(x) || Array.isArray(y)) {
		const xs = [...(Array.isArray(x) ? x : x ? [x] : [])].sort();
		const ys = [...(Array.isArray(y) ? y : y ? [y] : [])].sort();
		return xs.length === ys.length && xs.every((v, i) => v === ys[i]);
	}
	return x === y;
}

/** The fields of `typed` that differ from `base`: what is not yet on the server. */
export function unsent(base: Fields, typed: Fields): Fields {
	return Object.fromEntries(Object.entries(typed).filter(([k, v]) => !sameField(base[k], v)));
}

export interface Rebased {
	/** The phone's changes still to send, against the server copy. */
	mine: Fields;
	/** Fields both sides changed, differently. */
	conflicts: Conflict[];
}

/**
 * Sets the phone's changes (`mine`, typed against `base`) against the server copy now. A change
 * the server already holds is done; one where the server kept the base value is still to send.
 */
export function rebase(base: Fields, mine: Fields, server: Fields): Rebased {
	const still: Fields = {};
	const conflicts: Conflict[] = [];
	for (const [field, value] of Object.entries(mine)) {
		if (sameField(value, server[field])) continue;
		if (sameField(base[field], server[field])) still[field] = value;
		else conflicts.push({ field, mine: value, server: blank(server[field]) });
	}
	return { mine: still, conflicts };
}

/** The phone's changes after the staff member chose, per conflicting field, which value stands. */
export function resolve(rebased: Rebased, keepMine: ReadonlySet<string>): Fields {
	const chosen = rebased.conflicts.filter((c) => keepMine.has(c.field)).map((c) => [c.field, c.mine]);
	return { ...rebased.mine, ...Object.fromEntries(chosen) };
}
