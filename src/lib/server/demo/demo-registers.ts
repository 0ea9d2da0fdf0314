import { chinaDate, periodRange } from '../../domain/periods';
import type { Db } from '../db';
import { listCertificateItems, listSignboardCategories } from '../registers/catalogues.service';
import { recordCertificateCount } from '../registers/certificates.service';
import { addSecondment } from '../registers/secondments.service';
import { addSignboard, rehangSignboard, removeSignboard } from '../registers/signboards.service';

const addDays = (date: string, days: number) =>
	new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const quarterOf = (date: string) => `${date.slice(0, 4)}-Q${Math.ceil(Number(date.slice(5, 7)) / 3)}`;

function must<T extends { ok: boolean }>(result: T, what: string): T & { ok: true } {
	if (!result.ok) throw new Error(`demo ${what} refused: ${JSON.stringify(result)}`);
	return result as T & { ok: true };
}

/**
 * Every point's registers: the kept plates still up, cancelled ones taken down a year ago (the
 * reductions), a few hung again this quarter (rebounds), some seconded staff, and a few cancelled
 * certificates issued. Seeded before the rounds, whose register items read from it.
 */
export async function seedDemoRegisters(db: Db, pointIds: number[], staffPointId: number) {
	const today = chinaDate();
	const quarterStart = periodRange('quarter', quarterOf(today))!.start;
	const baseline = addDays(quarterStart, -450);
	const removedOn = addDays(quarterStart, -300);
	const categories = await listSignboardCategories(db, { activeOnly: true });
	const kept = categories.filter((c) => c.status === 'kept');
	const cancelled = categories.filter((c) => c.status === 'cancelled');
	const cancelledItems = (await listCertificateItems(db, { activeOnly: true })).filter(
		(i) => i.status === 'cancelled'
	);

	for (const [i, pointId] of pointIds.entries()) {
		for (const category of kept) {
			must(
				await addSignboard(
					db,
					null,
					pointId,
					{
						text: category.name,
						categoryId: category.id,
						placement: null,
						department: '县委社会工作部',
						hungOn: baseline
					},
					today
				),
				'plate'
			);
		}
		for (const [j, category] of cancelled.entries()) {
			if ((i + j) % 3 === 0) continue;
			const plate = must(
				await addSignboard(
					db,
					null,
					pointId,
					{
						text: category.name,
						categoryId: category.id,
						placement: null,
						department: '县直有关部门',
						hungOn: baseline
					},
					today
				),
				'plate'
			);
			// A few points keep one cancelled plate up: the rebound the dashboard should find.
			if (i % 17 === 7 && j === 0) continue;
			must(
				await removeSignboard(db, null, pointId, plate.id, { removedOn, note: '按减负清单摘除' }, today),
				'removal'
			);
			if (i % 11 === 2 && j === 1 && pointId !== staffPointId) {
				must(
					await rehangSignboard(
						db,
						null,
						pointId,
						plate.id,
						{ hungOn: quarterStart, note: '上级检查前要求重新挂出' },
						today
					),
					'rehang'
				);
			}
		}
		if (i % 5 === 0) {
			must(
				await addSecondment(
					db,
					null,
					pointId,
					{
						personName: '王某',
						post: '村委会委员',
						borrowingUnit: '县乡村振兴局',
						startDate: addDays(quarterStart, -120),
						expectedEnd: addDays(quarterStart, 60),
						approved: true,
						approvalRef: `准入〔${today.slice(0, 4)}〕${i + 1}号`
					},
					today
				),
				'secondment'
			);
		}
		if (i % 13 === 4) {
			must(
				await addSecondment(
					db,
					null,
					pointId,
					{
						personName: '李某',
						post: '网格员',
						borrowingUnit: '镇综治办',
						startDate: addDays(quarterStart, -40),
						expectedEnd: null,
						approved: false,
						approvalRef: null
					},
					today
				),
				'secondment'
			);
		}
		if (i % 7 === 3 && cancelledItems[0]) {
			must(
				await recordCertificateCount(
					db,
					null,
					pointId,
					{
						itemId: cancelledItems[0].id,
						periodKind: 'quarter',
						period: quarterOf(addDays(quarterStart, -1)),
						issued: 2
					},
					today
				),
				'certificate count'
			);
		}
	}
}
