import { chinaDate, periodRange } from '../../domain/periods';
import type { Answers } from '../../domain/checklist';
import { isOutOfLine, toFormValue } from '../../domain/checklist';
import type { Db } from '../db';
import { closeRound, createRound, openRound } from '../checklists/rounds.service';
import { acceptSubmission, returnSubmission, saveAnswers, submit } from '../checklists/submissions.service';
import { isRefusal } from '../refusal';
import {
	addDays,
	DEMO_LATE_POINTS,
	demoQuarters,
	HISTORY_QUARTERS,
	LATE_JOIN_QUARTER,
	reboundsAt
} from './demo-facts';
import type { DemoPoint } from './demo-registers';

/** A small deterministic generator, so the demo is the same on every machine. */
function random(seed: number) {
	let s = seed >>> 0;
	return () => {
		s = (s * 1664525 + 1013904223) >>> 0;
		return s / 2 ** 32;
	};
}

/** The typed counts the reform cuts: the baseline range, before it. */
const BURDENS = {
	mechanisms_hosted: [8, 14],
	data_requests: [14, 26],
	apps_required: [6, 12],
	work_groups: [12, 24],
	meetings_attended: [8, 14],
	inspections_received: [5, 9]
} as const;
type Burden = keyof typeof BURDENS;

/** How far into its cut a point is, by quarters since its first. */
const RAMP = [0, 0.45, 0.8, 1];

const HEAVIEST = [
	'同一项人口数据被三个部门分别要求填报',
	'各类工作群每天要求接龙、截图留痕',
	'迎检材料反复修改，一次检查要准备几十页台账',
	'多个政务APP要求每日打卡、刷积分'
];
const REBOUND_STORY: Record<string, string> = {
	meetings_attended: '镇里恢复每周例会，还要求村干部参加县直部门的培训会',
	data_requests: '年底各部门又开始要求报送各类表格，不少内容重复',
	work_groups: '新成立的专项工作组又拉了好几个工作群',
	inspections_received: '年底考核前督查检查又多了起来'
};

/**
 * A point's answers for history quarter `k` (HISTORY_QUARTERS is the current one). Each burden
 * falls 30–60% over the point's first three quarters to a plateau it then holds, moving up by at
 * most 15% of it, so the plateau is the usual level and only DEMO_REBOUND_POINTS rebound.
 */
function answersFor(point: DemoPoint, k: number): Answers {
	const step = k - point.firstQuarter;
	const rebounds = reboundsAt(point.code).filter(
		(r) => r.source === 'answers' && k >= HISTORY_QUARTERS + r.quarterOffset
	);
	const r = random(point.index * 7919 + k * 104_729 + 17);
	const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
	const burdens = {} as Record<Burden, number>;
	for (const [n, key] of (Object.keys(BURDENS) as Burden[]).entries()) {
		const [lo, hi] = BURDENS[key];
		const own = random(point.index * 613 + n * 31 + 5);
		const base = lo + Math.floor(own() * (hi - lo + 1));
		const plateau = Math.round(base * (1 - (0.3 + 0.3 * own())));
		const wobble = int(0, Math.floor(plateau * 0.15));
		const rebound = rebounds.find((x) => x.indicator === key);
		if (rebound) {
			const first = k === HISTORY_QUARTERS + rebound.quarterOffset;
			burdens[key] = Math.max(Math.ceil(plateau * (first ? 2.2 : 3)), plateau + (first ? 5 : 7));
		} else if (step >= 3) burdens[key] = plateau + wobble;
		else
			burdens[key] = Math.max(
				Math.round(base - (base - plateau) * RAMP[step]) + (step ? wobble : 0),
				plateau
			);
	}
	const kinds = ['supervision', 'inspection', 'evaluation', 'ranking'];
	return {
		signboards_exterior: 0, // register items: the register's figures replace these when saved
		signboards_interior: 0,
		signboards_rehung: false,
		// Kept only where the register shows a cancelled plate up (the question is then shown).
		signboards_rehung_detail: '上级要求挂的牌子还没有摘，或检查前又要求挂出',
		mechanisms_hosted: burdens.mechanisms_hosted,
		mechanisms_new: step === 0 ? int(0, 2) : step === 1 && r() < 0.15 ? 1 : 0,
		certificates_cancelled_issued: 0,
		certificates_total: 10 + ((point.index * 13) % 25) + int(0, 4),
		secondments_active: 0,
		secondments_unapproved: 0,
		data_requests: burdens.data_requests,
		// Only before and during the cut, so a holding point's compliance rate does not dip later.
		data_requests_duplicate: step === 0 ? r() < 0.6 : step < 3 ? r() < 0.25 : rebounds.length > 0,
		apps_required: burdens.apps_required,
		work_groups: burdens.work_groups,
		meetings_attended: burdens.meetings_attended,
		inspections_received: burdens.inspections_received,
		inspection_kinds: kinds.filter((kind) => step === 0 || kind === 'inspection' || r() < 0.3),
		burden_trend: trend(step, rebounds.length > 0, r()),
		heaviest_burden: rebounds.length
			? REBOUND_STORY[rebounds[0].indicator]
			: step === 0 || r() < 0.2
				? HEAVIEST[int(0, HEAVIEST.length - 1)]
				: ''
	};
}

function trend(step: number, rebounding: boolean, chance: number) {
	if (rebounding) return 'heavier';
	if (step === 0) return chance < 0.5 ? 'heavier' : 'same';
	if (step < 3) return chance < 0.5 ? 'much_lighter' : 'lighter';
	return chance < 0.6 ? 'same' : 'lighter';
}

export type DemoFate = 'on_time' | 'late' | 'missing' | 'submitted' | 'returned';

/**
 * What each target point did in history quarter `k`: most report on time and are accepted, about
 * four a quarter late (accepted all the same), one to three never, other points each quarter. In
 * the last closed quarter a few wait for review or were sent back. The staff demo point and the
 * points the demo shows rebounds or late joining for always report and are accepted.
 */
export function demoFates(targets: DemoPoint[], k: number, staffCode: string): Map<number, DemoFate> {
	const fates = new Map<number, DemoFate>(
		targets.map((p) => [p.id, (p.index + 3 * k) % 11 === 4 ? 'late' : 'on_time'])
	);
	const free = targets.filter(
		(p) =>
			p.code !== staffCode &&
			reboundsAt(p.code).length === 0 &&
			!DEMO_LATE_POINTS.some((l) => l.code === p.code)
	);
	const pick = (offset: number) => free[(k * 7 + offset) % free.length].id;
	for (const offset of [3, 20, 12].slice(0, 1 + (k % 3))) fates.set(pick(offset), 'missing');
	if (k === HISTORY_QUARTERS - 1) {
		for (const offset of [8, 27]) fates.set(pick(offset), 'submitted');
		for (const offset of [15, 31]) fates.set(pick(offset), 'returned');
	}
	return fates;
}

const quarterName = (q: string) => `${q.slice(0, 4)}年第${q.slice(6)}季度“六必查”`;

/**
 * Eight closed quarterly rounds, the first the baseline, then this quarter's open one where some
 * points have started and the staff demo account's point has not. `join` makes the late points
 * points before round LATE_JOIN_QUARTER opens, so earlier rounds do not target them.
 */
export async function seedDemoRounds(
	db: Db,
	templateVersionId: number,
	points: DemoPoint[],
	staffCode: string,
	join: () => Promise<DemoPoint[]>,
	today = chinaDate()
) {
	const { history, current } = demoQuarters(today);
	const targets = [...points];
	const accepted = new Map<number, Answers>();
	const closedRoundIds: number[] = [];
	for (const [k, period] of history.entries()) {
		if (k === LATE_JOIN_QUARTER) targets.push(...(await join()));
		const range = periodRange('quarter', period)!;
		const roundId = await createRound(db, null, {
			name: quarterName(period),
			periodKind: 'quarter',
			period,
			templateVersionId,
			opensOn: range.end,
			dueOn: addDays(range.end, 10)
		});
		await openRound(db, null, roundId);
		const fates = demoFates(targets, k, staffCode);
		for (const point of targets) {
			const fate = fates.get(point.id)!;
			if (fate === 'missing') continue;
			const answers = answersFor(point, k);
			const previous = accepted.get(point.id) ?? {};
			const notes = Object.fromEntries(
				Object.keys(answers)
					.filter((key) => isOutOfLine(previous[key], answers[key]))
					.map((key) => [key, '已核实，本期确实如此'])
			);
			const saved = await saveAnswers(db, null, {
				roundId,
				pointId: point.id,
				expectedVersion: null,
				raw: formValues(answers),
				notes
			});
			const days = fate === 'late' ? 12 + (point.index % 9) : 2 + (point.index % 7);
			const sent = await submit(db, null, {
				roundId,
				pointId: point.id,
				expectedVersion: saved.version,
				clientToken: `demo-${roundId}-${point.id}`,
				at: new Date(`${addDays(range.end, days)}T02:00:00Z`)
			});
			if (fate === 'submitted') continue;
			if (fate === 'returned') {
				await returnSubmission(db, null, sent.submissionId, '会议次数与会议通知记录不符，请核实后重报');
				continue;
			}
			await acceptSubmission(db, null, sent.submissionId);
			accepted.set(point.id, answers);
		}
		await closeRound(db, null, roundId);
		closedRoundIds.push(roundId);
	}

	const range = periodRange('quarter', current)!;
	const currentId = await createRound(db, null, {
		name: quarterName(current),
		periodKind: 'quarter',
		period: current,
		templateVersionId,
		opensOn: today,
		dueOn: addDays(range.end, 10)
	});
	await openRound(db, null, currentId);
	for (const point of targets) {
		if (point.code === staffCode || point.index % 3 !== 0) continue;
		// What the rules refuse (a figure far from last round's, with no reason) is left as it is.
		await refusedAsNothing(async () => {
			const saved = await saveAnswers(db, null, {
				roundId: currentId,
				pointId: point.id,
				expectedVersion: null,
				raw: formValues(answersFor(point, HISTORY_QUARTERS)),
				notes: {}
			});
			if (point.index % 2 === 0)
				await submit(db, null, {
					roundId: currentId,
					pointId: point.id,
					expectedVersion: saved.version,
					clientToken: `demo-${currentId}-${point.id}`
				});
		});
	}
	return { closedRoundIds, currentRoundId: currentId };
}

async function refusedAsNothing(step: () => Promise<void>): Promise<void> {
	try {
		await step();
	} catch (e) {
		if (!isRefusal(e)) throw e;
	}
}

function formValues(answers: Answers) {
	return Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, toFormValue(v)]));
}
