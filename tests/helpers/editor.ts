// What the structured template editor posts: its fields as the page renders them, as form data.
import type { EditorState } from '../../src/routes/(app)/templates/[id=id]/editor';

/** What the browser posts for the editor's fields, plus the pressed button's name and value. */
export function posted(editor: EditorState, extra: Record<string, string> = {}): FormData {
	const form = new FormData();
	editor.sections.forEach((s, si) => {
		form.append(`s${si}.key`, s.key);
		form.append(`s${si}.title`, s.title);
		s.items.forEach((item, ii) => {
			const at = (field: string, value: string) => form.append(`i${si}.${ii}.${field}`, value);
			at('key', item.key);
			at('kind', item.kind);
			at('label', item.label);
			at('help', item.help);
			if (item.required) at('required', 'on');
			at('min', item.min);
			at('max', item.max);
			at('options', item.options);
			at('ruleOp', item.ruleOp);
			at('ruleValue', item.ruleValue);
			if (item.ruleOp === 'custom') at('ruleJson', item.ruleJson);
			at('showKey', item.showKey);
			at('showEquals', item.showEquals || 'yes');
			if (item.showEquals === 'custom') at('showJson', item.showJson);
		});
	});
	for (const [k, v] of Object.entries(extra)) form.append(k, v);
	return form;
}
