// A point's answers to the default 六必查 as two quarters give them: last quarter's, accepted, and
// this quarter's to the items that do not carry over; and a section's post made from them.
import type { Answers } from '../../src/lib/domain/checklist';
import { defaultDefinition } from '../../src/lib/domain/default-template';

export type Fields = Record<string, string | string[]>;

/** Last quarter's accepted answers (the register items come from the registers: none then). */
export const lastAnswers: Answers = {
	mechanisms_hosted: 3,
	mechanisms_new: 0,
	certificates_total: 12,
	data_requests: 5,
	data_requests_duplicate: false,
	apps_required: 4,
	work_groups: 6,
	meetings_attended: 2,
	inspections_received: 1,
	inspection_kinds: ['supervision'],
	burden_trend: 'lighter',
	heaviest_burden: '迎检材料多'
};

/** This quarter's answers to what does not carry over, as the form posts them. */
export const freshAnswers: Fields = {
	mechanisms_new: '1',
	certificates_total: '9',
	data_requests: '7',
	data_requests_duplicate: 'yes',
	meetings_attended: '3',
	inspections_received: '2',
	inspection_kinds: ['inspection'],
	burden_trend: 'same',
	heaviest_burden: '新增两个工作群'
};

/** A section's fields as the form posts them, every item answered as this quarter or last. */
export function sectionFields(index: number, version: string): Fields {
	const fields: Fields = { section: String(index), version };
	for (const item of defaultDefinition.sections[index].items) {
		const answer = freshAnswers[item.key] ?? lastAnswers[item.key];
		if (answer === undefined) continue;
		fields[`a.${item.key}`] =
			typeof answer === 'boolean' ? (answer ? 'yes' : 'no') : Array.isArray(answer) ? answer : String(answer);
	}
	return fields;
}
