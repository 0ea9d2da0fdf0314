import { chinaDate, periodRange } from '../../domain/periods';
import type { Db } from '../db';
import { listCertificateItems, listSignboardCategories } from '../registers/catalogues.service';
import { recordCertificateCount, setCertificateStatus } from '../registers/certificates.service';
import { addSecondment, recordSecondmentReturn } from '../registers/secondments.service';
import { addSignboard, rehangSignboard, removeSignboard } from '../registers/signboards.service';
import { addDays, demoQuarters, HISTORY_QUARTERS, reboundsAt } from './demo-facts';

export interface DemoPoint {
	id: number;
	code: string;
	/** Its place among all demo points by code: what varies one point's story from the next. */
	index: number;
	/** The history quarter (0 = baseline) of its first round. */
	firstQuarter: number;
}

/** What a demo step gave back. A refused step throws its Refusal (named by its code) from the service. */
function must<T>(result: T, _what: string): T {
	return result;
}

/**
 * Every point's registers over the demo's eight quarters: plates hung long before the baseline,
 * cancelled ones taken down in the point's 2nd and 3rd quarters (a few points keep one up),
 * cancelled certificates issued at the baseline and stopped, seconded staff brought back; then
 * the register rebounds of DEMO_REBOUND_POINTS in the last closed quarter. Seeded before the
 * rounds, whose register items read it as of each quarter's last day.
 */
export async function seedDemoRegisters(db: Db, points: DemoPoint[], today = chinaDate()) {
	const { history } = demoQuarters(today);
	const quarters = history.map((q) => periodRange('quarter', q)!);
	const baselineStart = quarters[0].start;
	// Quarters have at least 90 days: any day below 85 stays inside.
	const dayIn = (k: number, day: number) => addDays(quarters[k].start, day % 85);
	const categories = await listSignboardCategories(db, { activeOnly: true });
	const kept = categories.filter((c) => c.status === 'kept');
	const cancelled = categories.filter((c) => c.status === 'cancelled');
	const items = await listCertificateItems(db, { activeOnly: true });
	const cancelledItems = items.filter((i) => i.status === 'cancelled');
	const retainedItems = items.filter((i) => i.status === 'retained');

	for (const { id: pointId, code, index: i, firstQuarter } of points) {
		const rebound = (indicator: string) => reboundsAt(code).find((r) => r.indicator === indicator);
		const reboundQuarter = (indicator: string) => HISTORY_QUARTERS + rebound(indicator)!.quarterOffset;
		const hungOn = addDays(baselineStart, -(200 + ((i * 53) % 900)));

		for (const category of kept) {
			const plate = { text: category.name, categoryId: category.id, placement: null };
			must(
				await addSignboard(db, null, pointId, { ...plate, department: '县委社会工作部', hungOn }, today),
				'plate'
			);
		}
		const removed: number[] = [];
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
						hungOn: addDays(hungOn, 30 * j)
					},
					today
				),
				'plate'
			);
			// A few points never take one cancelled plate down: a reduction that did not happen.
			if (i % 17 === 7 && j === 0) continue;
			const removedOn = dayIn(firstQuarter + 1 + ((i + j) % 2), 5 + i * 7 + j * 13);
			must(
				await removeSignboard(db, null, pointId, plate.id, { removedOn, note: '按减负清单摘除' }, today),
				'removal'
			);
			removed.push(plate.id);
		}
		if (rebound('signboards_rehung')) {
			const hungAgain = dayIn(reboundQuarter('signboards_rehung'), 20 + i);
			const note = '上级检查前要求重新挂出';
			must(
				await rehangSignboard(db, null, pointId, removed[0], { hungOn: hungAgain, note }, today),
				'rehang'
			);
		}

		for (const item of retainedItems)
			must(
				await setCertificateStatus(
					db,
					null,
					pointId,
					{ itemId: item.id, status: 'issuing', since: hungOn },
					today
				),
				'certificate status'
			);
		const item = cancelledItems[i % cancelledItems.length];
		if (item && i % 3 !== 2) {
			// Issued at the baseline, a last one or two the next quarter at some points, then stopped.
			const count = async (k: number, issued: number) =>
				must(
					await recordCertificateCount(
						db,
						null,
						pointId,
						{ itemId: item.id, periodKind: 'quarter', period: history[k], issued },
						today
					),
					'certificate count'
				);
			must(
				await setCertificateStatus(
					db,
					null,
					pointId,
					{ itemId: item.id, status: 'issuing', since: hungOn },
					today
				),
				'certificate status'
			);
			await count(firstQuarter, 2 + (i % 5));
			if (i % 2 === 0) await count(firstQuarter + 1, 1);
			const since = dayIn(firstQuarter + 1 + (i % 2), 10 + i);
			must(
				await setCertificateStatus(db, null, pointId, { itemId: item.id, status: 'stopped', since }, today),
				'certificate status'
			);
		}
		if (rebound('certificates_cancelled_issued') && item) {
			const k = reboundQuarter('certificates_cancelled_issued');
			must(
				await setCertificateStatus(
					db,
					null,
					pointId,
					{ itemId: item.id, status: 'issuing', since: dayIn(k, 15) },
					today
				),
				'certificate status'
			);
			must(
				await recordCertificateCount(
					db,
					null,
					pointId,
					{ itemId: item.id, periodKind: 'quarter', period: history[k], issued: 1 + (i % 3) },
					today
				),
				'certificate count'
			);
		}

		if (i % 5 === 0) {
			// Seconded with approval since before the baseline; half come back in the 4th quarter.
			const stays = i % 10 === 0;
			const { id } = must(
				await addSecondment(
					db,
					null,
					pointId,
					{
						personName: '王某',
						post: '村委会委员',
						borrowingUnit: '县乡村振兴局',
						startDate: addDays(baselineStart, -(40 + i)),
						expectedEnd: stays ? addDays(today, 120) : quarters[3].end,
						approved: true,
						approvalRef: `准入〔${baselineStart.slice(0, 4)}〕${i + 1}号`
					},
					today
				),
				'secondment'
			);
			if (!stays)
				must(
					await recordSecondmentReturn(db, null, pointId, id, { returnDate: dayIn(3, 20 + i) }, today),
					'secondment return'
				);
		}
		if (i % 7 === 2) {
			// Borrowed without the county's approval before the reform, sent back in its first months.
			const { id } = must(
				await addSecondment(
					db,
					null,
					pointId,
					{
						personName: '赵某',
						post: '网格员',
						borrowingUnit: '县信访局',
						startDate: addDays(baselineStart, -(20 + i)),
						expectedEnd: null,
						approved: false,
						approvalRef: null
					},
					today
				),
				'secondment'
			);
			const returnDate = dayIn(firstQuarter + 1 + (i % 2), 30 + i);
			must(await recordSecondmentReturn(db, null, pointId, id, { returnDate }, today), 'secondment return');
		}
		if (rebound('secondments_unapproved')) {
			must(
				await addSecondment(
					db,
					null,
					pointId,
					{
						personName: '李某',
						post: '网格员',
						borrowingUnit: '镇综治办',
						startDate: dayIn(reboundQuarter('secondments_unapproved'), 35),
						expectedEnd: null,
						approved: false,
						approvalRef: null
					},
					today
				),
				'secondment'
			);
		}
	}
}
