// The refused form a row's form gets back. The forms repeated per row (one removal form per
// plate, one count form per certificate item, ...) share one superforms id per kind; the failed
// one is the row whose id the posted form carries. The action's answer is the page's `form`.

export interface PostedForm {
	id: string;
	data: Record<string, unknown>;
	errors: Record<string, string[] | undefined>;
}

/** The superforms form in the action's answer, if there is one. */
export function postedForm(actionData: unknown): PostedForm | null {
	const form = (actionData as { form?: unknown } | null | undefined)?.form;
	return form && typeof form === 'object' && 'id' in form && 'data' in form ? (form as PostedForm) : null;
}

/** The posted form if it was this row's: the same form id and the row's id under `key`. */
export function rowForm(
	posted: PostedForm | null,
	formId: string,
	key: string,
	target: number
): PostedForm | null {
	return posted && posted.id === formId && Number(posted.data[key]) === target ? posted : null;
}

/** What the field held when the row's form was sent, else `fallback`. */
export function sent(form: PostedForm | null, key: string, fallback: string): string {
	const value = form?.data[key];
	return value == null ? fallback : String(value);
}
