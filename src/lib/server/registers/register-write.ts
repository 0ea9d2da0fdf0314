// The one way a register changes. Every write to a point's signboards, certificates or
// secondments runs through registerWrite: one transaction for the change and the point's kept
// figures (pointChanged), so a new writer cannot store a change and forget the figures. A
// Refusal thrown by the change rolls both back.
import type { Db } from '../db';
import { pointChanged } from '../trends/indicators.service';

export function registerWrite<T>(db: Db, pointId: number, change: (trx: Db) => Promise<T>): Promise<T> {
	return db.transaction().execute(async (trx) => {
		const result = await change(trx);
		await pointChanged(trx, pointId);
		return result;
	});
}
