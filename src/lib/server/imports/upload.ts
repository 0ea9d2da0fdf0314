// The two admin imports (divisions, catalogues) answer an uploaded file the same way: its bytes go
// to the importer, and a refused file comes back as a report of its problems, up to a cap.
import type { ImportReport } from '../../forms/imports';

/** How many problems an import's report lists; the rest are counted. */
export const SHOWN_PROBLEMS = 300;

/** An uploaded file as the importers take it: bytes, not `text()`, which decodes lossily. */
export async function uploadedFile(file: File): Promise<{ name: string; bytes: Uint8Array }> {
	return { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
}

/** The refused import's report: the sentence, the first problems in the admin's words, how many more. */
export function problemReport<P, Row>(
	failed: string,
	problems: readonly P[],
	row: (problem: P) => Row
): Extract<ImportReport<Row>, { failed: string }> {
	return {
		failed,
		problems: problems.slice(0, SHOWN_PROBLEMS).map(row),
		more: Math.max(0, problems.length - SHOWN_PROBLEMS)
	};
}
