// The checklist's signboard, certificate and secondment counts come from the point's registers.
import { beforeEach, describe, expect, it } from 'vitest';
import { defaultDefinition } from '../../src/lib/domain/default-template';
import { loadChecklist, saveAnswers, submit } from '../../src/lib/server/checklists/submissions.service';
import { addSecondment } from '../../src/lib/server/registers/secondments.service';
import {
	addSignboard,
	rehangSignboard,
	removeSignboard
} from '../../src/lib/server/registers/signboards.service';
import { quarter, useScenario } from '../helpers/scenario';

const TODAY = '2026-11-20';

// Each test gets its own database with the same point, round and registers.
const s = useScenario(
	{
		points: { own: 'village' },
		categories: {
			kept: { status: 'kept', placement: 'exterior' },
			wall: { status: 'kept', placement: 'wall' },
			cancelled: { status: 'cancelled', placement: 'exterior' }
		},
		definition: defaultDefinition,
		quarters: [quarter('2026-Q4')]
	},
	{ fresh: 'each' }
);
let db: typeof s.db;
let pointId: number;
let roundId: number;

beforeEach(async () => {
	db = s.db;
	pointId = s.points.own.id;
	roundId = s.rounds[0];
	const { kept, wall, cancelled } = s.categories;
	const base = { placement: null, department: '县民政局' };
	const hang = (text: string, categoryId: number) =>
		addSignboard(db, null, pointId, { ...base, text, categoryId, hungOn: '2025-01-01' }, TODAY);
	await hang('党群服务中心', kept);
	await hang('村务公开栏', wall);
	const old = await hang('老龄委', cancelled);
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

/** The register items as a form posts them, with values the registers overrule. */
const saveRegisterItems = () =>
	saveAnswers(db, null, {
		roundId,
		pointId,
		expectedVersion: null,
		itemKeys: ['signboards_exterior', 'signboards_interior', 'signboards_rehung', 'signboards_rehung_detail'],
		raw: {
			signboards_exterior: '40',
			signboards_interior: '0',
			signboards_rehung: 'no',
			signboards_rehung_detail: '检查前要求挂出'
		},
		notes: {}
	});

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
		const saved = await saveRegisterItems();
		expect(saved).toMatchObject({ version: 1 });
		const state = await loadChecklist(db, roundId, pointId);
		expect(state!.saved).toMatchObject({
			signboards_exterior: 2,
			signboards_interior: 1,
			signboards_rehung: true
		});
	});

	it('submits what the registers say at the moment of submitting', async () => {
		// A draft saved earlier, as in the test above.
		await saveRegisterItems();
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
