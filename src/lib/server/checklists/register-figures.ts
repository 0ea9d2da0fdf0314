// The checklist items whose answers come from the point's registers (台账), so the two cannot
// disagree. Figures are as of the round's last day, so an old round keeps its own picture.
// Which items they are is a pure rule (domain/checklist.ts), so the page can count them too.
import { isRegisterItem, type Answers, type RegisterItemKey } from '../../domain/checklist';
import type { Db } from '../db';
import { registerFigures, type RegisterFigures } from '../registers/registers.queries';

export { isRegisterItem, REGISTER_ITEM_KEYS, type RegisterItemKey } from '../../domain/checklist';

export function figuresAsAnswers(f: RegisterFigures): Record<RegisterItemKey, number | boolean> {
	return {
		signboards_exterior: f.signboardsExterior,
		signboards_interior: f.signboardsInterior,
		signboards_rehung: f.signboardsRehung,
		certificates_cancelled_issued: f.certificatesCancelledIssued,
		secondments_active: f.secondmentsActive,
		secondments_unapproved: f.secondmentsUnapproved
	};
}

/** The register's answers for the register items a template has. */
export async function registerAnswers(
	db: Db,
	pointId: number,
	round: { period_start: string; period_end: string },
	itemKeys: string[]
): Promise<Answers> {
	const keys = itemKeys.filter(isRegisterItem);
	if (keys.length === 0) return {};
	const all = figuresAsAnswers(await registerFigures(db, pointId, round.period_start, round.period_end));
	return Object.fromEntries(keys.map((k) => [k, all[k]]));
}
