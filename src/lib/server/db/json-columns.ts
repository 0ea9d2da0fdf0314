// The JSON columns, read in one place. SQLite hands back text; PostgreSQL's jsonb would hand back
// the value itself, so both are accepted. What was written by the services is trusted (checked
// when it was written), so these map rather than re-validate.
import type { AnswerValue, ChecklistDefinition } from '../../domain/checklist';

function fromJson<T>(stored: unknown, empty: T): T {
	if (stored === null || stored === undefined || stored === '') return empty;
	return (typeof stored === 'string' ? JSON.parse(stored) : stored) as T;
}

/** One answer (`answers.value`). */
export const answerFromColumn = (stored: unknown): AnswerValue => fromJson<AnswerValue>(stored, null);

/** A template version's items (`template_versions.definition`), as validated at publication. */
export const definitionFromColumn = (stored: unknown): ChecklistDefinition =>
	fromJson<ChecklistDefinition>(stored, { sections: [] });

/** Any other JSON column (audit changes, report options and files, the trend rule). */
export const jsonFromColumn = <T>(stored: unknown, empty: T): T => fromJson(stored, empty);

export const toJsonColumn = (value: unknown): string => JSON.stringify(value);
