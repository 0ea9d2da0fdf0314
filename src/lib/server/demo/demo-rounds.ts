import { chinaDate, periodRange } from '../../domain/periods';
import type { Answers } from '../../domain/checklist';
import { toFormValue } from '../../domain/checklist';
import type { Db } from '../db';
import { closeRound, createRound, openRound } from '../checklists/rounds.service';
import { acceptSubmission, saveAnswers, submit } from '../checklists/submissions.service';

/** A small deterministic generator, so the demo is the same on every machine. */
function random(seed: number) {
	let s = seed >>> 0;
	return () => {
		s = (s * 1664525 + 1013904223) >>> 0;
		return s / 2 ** 32;
	};
}

function answersFor(pointId: number, quarterIndex: number): Answers {
	const r = random(pointId * 7919 + quarterIndex);
	const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
	return {
		signboards_exterior: int(3, 9),
		signboards_interior: int(6, 24),
		signboards_rehung: false, // taken from the register when saved
		// Kept only where the register shows a cancelled plate up (the question is then shown).
		signboards_rehung_detail: '上级检查前要求重新挂出“老龄工作委员会”牌子',
		mechanisms_hosted: int(3, 9),
		mechanisms_new: r() < 0.1 ? 1 : 0,
		certificates_cancelled_issued: r() < 0.1 ? 1 : 0,
		certificates_total: int(5, 40),
		secondments_active: r() < 0.2 ? 1 : 0,
		secondments_unapproved: 0,
		data_requests: int(4, 18),
		data_requests_duplicate: r() < 0.2,
		apps_required: int(2, 8),
		work_groups: int(4, 16),
		meetings_attended: int(2, 10),
		inspections_received: int(0, 5),
		inspection_kinds: ['inspection'],
		burden_trend: r() < 0.7 ? 'lighter' : 'same',
		heaviest_burden: r() < 0.3 ? '同一项人口数据被三个部门分别要求填报' : ''
	};
}

const quarterOf = (date: string) => `${date.slice(0, 4)}-Q${Math.ceil(Number(date.slice(5, 7)) / 3)}`;
function previousQuarter(q: string) {
	const [y, n] = [Number(q.slice(0, 4)), Number(q.slice(6))];
	return n === 1 ? `${y - 1}-Q4` : `${y}-Q${n - 1}`;
}
const quarterName = (q: string) => `${q.slice(0, 4)}年第${q.slice(6)}季度“六必查”`;

/**
 * Last quarter's round, closed, with every point's submission accepted but two; this quarter's,
 * open, with some points already submitted. The staff demo account's point has not started.
 */
export async function seedDemoRounds(
	db: Db,
	templateVersionId: number,
	pointIds: number[],
	staffPointId: number
) {
	const current = quarterOf(chinaDate());
	const last = previousQuarter(current);
	const lastRange = periodRange('quarter', last)!;
	const lastId = await createRound(db, null, {
		name: quarterName(last),
		periodKind: 'quarter',
		period: last,
		templateVersionId,
		opensOn: lastRange.end,
		dueOn: addDays(lastRange.end, 10)
	});
	await openRound(db, null, lastId);
	for (const [i, pointId] of pointIds.entries()) {
		if (i % 23 === 5) continue; // two points never reported last quarter
		const saved = await saveAnswers(db, null, {
			roundId: lastId,
			pointId,
			expectedVersion: null,
			raw: formValues(answersFor(pointId, 0)),
			notes: {}
		});
		if (!saved.ok) throw new Error(`demo answers refused: ${JSON.stringify(saved)}`);
		const late = i % 9 === 3;
		const at = new Date(`${addDays(lastRange.end, late ? 14 : 5)}T02:00:00Z`);
		const sent = await submit(db, null, {
			roundId: lastId,
			pointId,
			expectedVersion: saved.version,
			clientToken: `demo-${lastId}-${pointId}`,
			at
		});
		if (!sent.ok) throw new Error(`demo submission refused: ${JSON.stringify(sent)}`);
		await acceptSubmission(db, null, sent.submissionId);
	}
	await closeRound(db, null, lastId);

	const range = periodRange('quarter', current)!;
	const currentId = await createRound(db, null, {
		name: quarterName(current),
		periodKind: 'quarter',
		period: current,
		templateVersionId,
		opensOn: chinaDate(),
		dueOn: addDays(range.end, 10)
	});
	await openRound(db, null, currentId);
	for (const [i, pointId] of pointIds.entries()) {
		if (pointId === staffPointId || i % 3 !== 0) continue;
		const saved = await saveAnswers(db, null, {
			roundId: currentId,
			pointId,
			expectedVersion: null,
			raw: formValues(answersFor(pointId, 1)),
			notes: {}
		});
		if (saved.ok && i % 2 === 0)
			await submit(db, null, {
				roundId: currentId,
				pointId,
				expectedVersion: saved.version,
				clientToken: `demo-${currentId}-${pointId}`
			});
	}
	return { lastRoundId: lastId, currentRoundId: currentId };
}

function formValues(answers: Answers) {
	return Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, toFormValue(v)]));
}

function addDays(date: string, days: number): string {
	return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
