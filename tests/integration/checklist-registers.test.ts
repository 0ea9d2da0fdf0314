// The checklist's signboard, certificate and secondment counts come from the point's registers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDefinition } from '../../src/lib/domain/default-template';
import { loadChecklist, saveAnswers, submit } from '../../src/lib/server/checklists/submissions.service';
import type { Db } from '../../src/lib/server/db';
import { addSecondment } from '../../src/lib/server/registers/secondments.service';
import {
	addSignboard,
	rehangSignboard,
	removeSignboard
} from '../../src/lib/server/registers/signboards.service';
import { freshDatabase } from '../helpers/db';
import { newPoint, newRegionTree, newRound, newTemplate } from '../helpers/factories';
import { newSignboardCategory } from '../helpers/registers';

const TODAY = '2026-11-20';
let db: Db;
let close: () => Promise<void>;
let pointId: number;
let roundId: number;

beforeAll(async () => {
	({ db, close } = await freshDatabase());
	const tree = await newRegionTree(db);
	({ id: pointId } = await newPoint(db, tree.village));
	const { versionId } = await newTemplate(db, defaultDefinition);
	roundId = await newRound(db, versionId, {
		periodKind: 'quarter',
		period: '2026-Q4',
		opensOn: '2026-10-01',
		dueOn: '2027-01-10'
	});
	const kept = await newSignboardCategory(db, { status: 'kept', placement: 'exterior' });
	const wall = await newSignboardCategory(db, { status: 'kept', placement: 'wall' });
	const cancelled = await newSignboardCategory(db, { status: 'cancelled', placement: 'exterior' });
	const base = { placement: null, department: '县民政局' };
	await addSignboard(
		db,
		null,
		pointId,
		{ ...base, text: '党群服务中心', categoryId: kept, hungOn: '2025-01-01' },
		TODAY
	);
	await addSignboard(
		db,
		null,
		pointId,
		{ ...base, text: '村务公开栏', categoryId: wall, hungOn: '2025-01-01' },
		TODAY
	);
	const old = await addSignboard(
		db,
		null,
		pointId,
		{ ...base, text: '老龄委', categoryId: cancelled, hungOn: '2025-01-01' },
		TODAY
	);
	await removeSignboard(db, null, pointId, old.id, { removedOn: '2025-06-01' }, TODAY);
	await rehangSignboard(db, null, pointId, old.id, { hungOn: '2026-11-02' }, TODAY);
	await addSecondment(
		db,
		null,
		pointId,
		{
			personName: '甲',
			post: null,
			borrowingUnit: '县委办',
			startDate: '2026-10-10',
			expectedEnd: null,
			approved: false,
			approvalRef: null
		},
		TODAY
	);
});
afterAll(async () => close());

const registerPart = {
	signboards_exterior: 2,
	signboards_interior: 1,
	signboards_rehung: true,
	secondments_active: 1,
	secondments_unapproved: 1,
	certificates_cancelled_issued: 0
};

describe('a checklist on a point that keeps registers', () => {
	it('shows the register figures as the answers to the register items', async () => {
		const state = await loadChecklist(db, roundId, pointId);
		expect(state!.answers).toMatchObject(registerPart);
		expect(state!.registerKeys.sort()).toEqual(Object.keys(registerPart).sort());
	});

	it('stores the register figures whatever the form posts for them', async () => {
		const saved = await saveAnswers(db, null, {
			roundId,
			pointId,
			expectedVersion: null,
			itemKeys: [
				'signboards_exterior',
				'signboards_interior',
				'signboards_rehung',
				'signboards_rehung_detail'
			],
			raw: {
				signboards_exterior: '40',
				signboards_interior: '0',
				signboards_rehung: 'no',
				signboards_rehung_detail: '检查前要求挂出'
			},
			notes: {}
		});
		expect(saved).toMatchObject({ version: 1 });
		const state = await loadChecklist(db, roundId, pointId);
		expect(state!.saved).toMatchObject({
			signboards_exterior: 2,
			signboards_interior: 1,
			signboards_rehung: true
		});
	});

	it('submits what the registers say at the moment of submitting', async () => {
		const state = await loadChecklist(db, roundId, pointId);
		const plates = await db
			.selectFrom('signboards')
			.select(['id', 'text'])
			.where('point_id', '=', pointId)
			.execute();
		const kept = plates.find((p) => p.text === '党群服务中心')!;
		await removeSignboard(db, null, pointId, kept.id, { removedOn: '2026-11-15' }, TODAY);
		const raw = Object.fromEntries(
			defaultDefinition.sections
				.flatMap((s) => s.items)
				.map((i) => [
					i.key,
					i.kind === 'multi'
						? []
						: i.kind === 'yes_no'
							? 'no'
							: i.kind === 'single'
								? 'same'
								: i.kind.endsWith('text')
									? ''
									: '1'
				])
		);
		const saved = await saveAnswers(db, null, {
			roundId,
			pointId,
			expectedVersion: state!.submission!.version,
			raw: { ...raw, signboards_rehung_detail: '检查前要求挂出' },
			notes: {}
		});
		expect(saved).toMatchObject({ version: state!.submission!.version + 1 });
		await removeSignboard(
			db,
			null,
			pointId,
			plates.find((p) => p.text === '老龄委')!.id,
			{ removedOn: '2026-11-18' },
			TODAY
		);
		const sent = await submit(db, null, {
			roundId,
			pointId,
			expectedVersion: saved.version,
			clientToken: 't'
		});
		expect(sent).toMatchObject({ already: false });
		const after = await loadChecklist(db, roundId, pointId);
		// The kept plate and the rehung one are both down now; the rebound in the quarter still counts.
		expect(after!.saved).toMatchObject({
			signboards_exterior: 0,
			signboards_rehung: true,
			secondments_active: 1
		});
	});
});
