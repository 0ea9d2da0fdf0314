// Rules added after review: strict dates for rounds, and lateness fixed by the first submission.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRound, RoundInputError } from '../../src/lib/server/checklists/rounds.service';
import {
	acceptSubmission,
	returnSubmission,
	saveAnswers,
	submit
} from '../../src/lib/server/checklists/submissions.service';
import type { Db } from '../../src/lib/server/db';
import { freshDatabase } from '../helpers/db';
import {
	countRows,
	everyKindDefinition,
	newPoint,
	newRegionTree,
	newRound,
	newSubmission,
	newTemplate
} from '../helpers/factories';

let db: Db;
let close: () => Promise<void>;
let versionId: number;
let pointId: number;

beforeAll(async () => {
	({ db, close } = await freshDatabase());
	const tree = await newRegionTree(db);
	({ versionId } = await newTemplate(db, everyKindDefinition));
	({ id: pointId } = await newPoint(db, tree.village));
});
afterAll(async () => close());

const answers = { boards: 3, rehung: false, trend: 'same' };

describe('a new round', () => {
	it.each([
		['opensOn', { opensOn: '2026-02-30' }],
		['dueOn', { dueOn: '2026-13-01' }]
	])('refuses an impossible %s and writes nothing', async (field, dates) => {
		const before = await countRows(db, 'rounds');
		const attempt = createRound(db, null, {
			name: '日期有误',
			periodKind: 'quarter',
			period: '2026-Q1',
			opensOn: '2026-01-01',
			dueOn: '2026-04-10',
			templateVersionId: versionId,
			...dates
		});
		await expect(attempt).rejects.toBeInstanceOf(RoundInputError);
		await expect(attempt).rejects.toMatchObject({ problem: { field, code: 'bad_date' } });
		expect(await countRows(db, 'rounds')).toBe(before);
	});
});

describe('lateness', () => {
	it('stays as the first submission set it when a returned checklist is corrected after the due date', async () => {
		const roundId = await newRound(db, versionId, { dueOn: '2026-04-10' });
		const id = await newSubmission(db, roundId, pointId, answers, {
			until: 'submitted',
			at: new Date('2026-04-09T02:00:00Z')
		});
		expect(await returnSubmission(db, null, id, '请核实')).toEqual({ ok: true });
		const row = await db.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
		const saved = await saveAnswers(db, null, {
			roundId,
			pointId,
			expectedVersion: row.version,
			itemKeys: ['boards'],
			raw: { boards: '4' },
			notes: {}
		});
		expect(saved.ok).toBe(true);
		const resent = await submit(db, null, {
			roundId,
			pointId,
			expectedVersion: saved.ok ? saved.version : -1,
			clientToken: 'again',
			at: new Date('2026-04-20T02:00:00Z')
		});
		expect(resent).toMatchObject({ ok: true, late: false });
		const after = await db
			.selectFrom('submissions')
			.selectAll()
			.where('id', '=', id)
			.executeTakeFirstOrThrow();
		expect(after.late).toBe(0);
		expect(after.submitted_at).toBe('2026-04-09T02:00:00.000Z');
		expect(await acceptSubmission(db, null, id)).toEqual({ ok: true });
	});
});
