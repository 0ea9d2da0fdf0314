// Kept indicator totals: an accepted submission or a register change moves the region's trend in
// the same transaction, and after any sequence of changes a region's totals are the sums over its
// points and equal to a rebuild from scratch.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
	acceptSubmission,
	findSubmission,
	reopenSubmission,
	returnSubmission,
	saveAnswers,
	submit
} from '../../src/lib/server/checklists/submissions.service';
import type { Db } from '../../src/lib/server/db';
import { recordCertificateCount } from '../../src/lib/server/registers/certificates.service';
import { Refusal } from '../../src/lib/server/refusal';
import { refusalMessages } from '../../src/lib/text/refusals';
import { addSecondment, recordSecondmentReturn } from '../../src/lib/server/registers/secondments.service';
import {
	addSignboard,
	rehangSignboard,
	removeSignboard
} from '../../src/lib/server/registers/signboards.service';
import {
	getTrendRule,
	kickRebuilds,
	pendingRebuild,
	rebuildIndicators,
	setTrendRule
} from '../../src/lib/server/trends/indicators.service';
import { regionTrend } from '../../src/lib/server/trends/trends.queries';
import { keptPointRows } from '../helpers/db';
import { newPoint, newSubmission, type RegionTree } from '../helpers/factories';
import { newCertificateItem, newSignboardCategory } from '../helpers/registers';
import { buildScenario, meetingsDefinition, QUARTERS_2025, STANDARD_POINTS } from '../helpers/scenario';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
	await close?.();
	close = undefined;
});

/** A fresh world: three points (village, community, the other county's village) and 2025 Q1–Q3 open. */
async function setup() {
	const s = await buildScenario({
		points: STANDARD_POINTS,
		definition: meetingsDefinition([
			{ key: 'meetings_attended', label: '本期参加上级会议几次？', compliantWhen: { op: 'lte', value: 5 } }
		]),
		quarters: QUARTERS_2025,
		roundName: (q) => q.period
	});
	close = s.close;
	const { db, tree, points, rounds } = s;
	return { db, tree, points: [points.own, points.neighbour, points.far], rounds };
}

/**
 * What a service said to one change: applied, or refused by throwing a Refusal, with its code.
 * Anything else thrown is a fault and fails the test.
 */
type Outcome = { applied: true } | { applied: false; code: string };

async function outcomeOf(run: () => Promise<unknown>): Promise<Outcome> {
	try {
		await run();
		return { applied: true };
	} catch (e) {
		if (e instanceof Refusal) return { applied: false, code: e.code };
		throw e;
	}
}

/** The change must have been applied. */
async function applied(run: () => Promise<unknown>): Promise<void> {
	expect(await outcomeOf(run)).toEqual({ applied: true });
}

function series(trend: Awaited<ReturnType<typeof regionTrend>>, indicator: string) {
	return trend.periods.map((p) => {
		const r = trend.rows.find((x) => x.period === p.key && x.indicator === indicator);
		return r ? { total: r.total, points: r.points } : null;
	});
}

describe('kept trends', () => {
	it('move when a submission is accepted, and back when it is reopened', async () => {
		const { db, tree, points, rounds } = await setup();
		const county = () => regionTrend(db, tree.county, { kind: 'quarter' });
		expect(series(await county(), 'meetings_attended')).toEqual([null, null, null]);

		const id = await newSubmission(
			db,
			rounds[0],
			points[0].id,
			{ meetings_attended: 8, data_requests: 3 },
			{ until: 'submitted' }
		);
		expect(series(await county(), 'meetings_attended')[0]).toBeNull();

		await applied(() => acceptSubmission(db, null, id));
		expect(series(await county(), 'meetings_attended')[0]).toEqual({ total: 8, points: 1 });
		expect(series(await regionTrend(db, tree.province, { kind: 'quarter' }), 'meetings_attended')[0]).toEqual(
			{
				total: 8,
				points: 1
			}
		);
		// The sibling county's trend does not see it.
		expect(
			series(await regionTrend(db, tree.otherCounty, { kind: 'quarter' }), 'meetings_attended')[0]
		).toBeNull();

		await newSubmission(db, rounds[0], points[1].id, { meetings_attended: 4, data_requests: 3 });
		expect(series(await county(), 'meetings_attended')[0]).toEqual({ total: 12, points: 2 });
		const compliance = (await county()).rows.find(
			(r) => r.indicator === 'compliance_rate' && r.period === '2025-Q1'
		);
		expect(compliance).toMatchObject({ total: 100, points: 2 }); // 0% and 100%

		await applied(() => reopenSubmission(db, null, id, '数字有误'));
		expect(series(await county(), 'meetings_attended')[0]).toEqual({ total: 4, points: 1 });
	});

	it('move when a register changes, from the period of the change on', async () => {
		const { db, tree, points } = await setup();
		const kept = await newSignboardCategory(db, { status: 'kept', placement: 'exterior' });
		await applied(() =>
			addSignboard(db, null, points[0].id, {
				text: '村民委员会',
				categoryId: kept,
				placement: null,
				department: null,
				hungOn: '2025-05-10'
			})
		);
		const trend = await regionTrend(db, tree.township, { kind: 'quarter' });
		expect(series(trend, 'signboards_exterior').map((s) => s?.total)).toEqual([0, 1, 1]);
		// Every target point has register figures, whether or not it submitted.
		expect(series(trend, 'signboards_exterior').map((s) => s?.points)).toEqual([2, 2, 2]);
	});

	it('flag a rebound in the region as soon as a cancelled plate goes up again', async () => {
		const { db, tree, points } = await setup();
		const cancelled = await newSignboardCategory(db, { status: 'cancelled', placement: 'exterior' });
		const plate = await addSignboard(db, null, points[0].id, {
			text: '老龄工作委员会',
			categoryId: cancelled,
			placement: null,
			department: null,
			hungOn: '2024-12-01'
		});
		expect(plate.id).toEqual(expect.any(Number));
		await removeSignboard(db, null, points[0].id, plate.id, { removedOn: '2025-02-01' });
		const before = await regionTrend(db, tree.county, { kind: 'quarter' });
		expect(before.rows.find((r) => r.indicator === 'overall' && r.period === '2025-Q3')).toMatchObject({
			rebounding: 0
		});
		await rehangSignboard(db, null, points[0].id, plate.id, { hungOn: '2025-08-01' });
		const after = await regionTrend(db, tree.county, { kind: 'quarter' });
		expect(after.rows.find((r) => r.indicator === 'overall' && r.period === '2025-Q3')).toMatchObject({
			rebounding: 1,
			holding: 1
		});
		expect(
			after.rows.find((r) => r.indicator === 'signboards_rehung' && r.period === '2025-Q3')
		).toMatchObject({
			total: 1,
			rebounding: 1
		});
	});

	it('re-evaluate every point when an admin changes the rule', async () => {
		const { db, tree, points, rounds } = await setup();
		await newSubmission(db, rounds[0], points[0].id, { meetings_attended: 10, data_requests: 1 });
		await newSubmission(db, rounds[1], points[0].id, { meetings_attended: 24, data_requests: 1 });
		const q2 = async () =>
			(await regionTrend(db, tree.county, { kind: 'quarter' })).rows.find(
				(r) => r.indicator === 'meetings_attended' && r.period === '2025-Q2'
			);
		// 24 after 10: above the fluctuation limit (21) under 较敏感, within it (28) under 较稳健.
		await setTrendRule(db, null, { baselinePeriod: null, sensitivity: 'sensitive' });
		await kickRebuilds(db);
		expect(await q2()).toMatchObject({ watching: 1, holding: 0 });
		await setTrendRule(db, null, { baselinePeriod: null, sensitivity: 'robust' });
		// Until the rebuild completes everyone reads the figures the rule in force made.
		expect(await q2()).toMatchObject({ watching: 1 });
		await kickRebuilds(db);
		expect(await q2()).toMatchObject({ watching: 0, holding: 1 });
		// With the baseline moved to Q2, Q2 is where the point starts: not judged.
		await setTrendRule(db, null, { baselinePeriod: '2025-Q2', sensitivity: 'standard' });
		await kickRebuilds(db);
		expect(await q2()).toMatchObject({ watching: 0, holding: 0, rebounding: 0, points: 1 });
	});
});

// ---- The property: totals are sums, and equal to a rebuild --------------------------------

type Op =
	| { kind: 'answer'; point: number; round: number; meetings: number; then: 'accept' | 'return' | 'reopen' }
	| { kind: 'plate'; point: number; cancelled: boolean; day: number }
	| { kind: 'remove' | 'rehang'; point: number; day: number }
	| { kind: 'second'; point: number; approved: boolean; day: number }
	| { kind: 'return'; point: number; day: number }
	| { kind: 'count'; point: number; quarter: number; issued: number };

const point = fc.integer({ min: 0, max: 2 });
const day = fc.integer({ min: 0, max: 300 });
const op: fc.Arbitrary<Op> = fc.oneof(
	fc.record({
		kind: fc.constant('answer' as const),
		point,
		round: fc.integer({ min: 0, max: 2 }),
		meetings: fc.integer({ min: 0, max: 30 }),
		then: fc.constantFrom('accept' as const, 'return' as const, 'reopen' as const)
	}),
	fc.record({ kind: fc.constant('plate' as const), point, cancelled: fc.boolean(), day }),
	fc.record({ kind: fc.constantFrom('remove' as const, 'rehang' as const), point, day }),
	fc.record({ kind: fc.constant('second' as const), point, approved: fc.boolean(), day }),
	fc.record({ kind: fc.constant('return' as const), point, day }),
	fc.record({
		kind: fc.constant('count' as const),
		point,
		quarter: fc.integer({ min: 0, max: 2 }),
		issued: fc.integer({ min: 0, max: 5 })
	})
);

const dateOf = (day: number) =>
	new Date(Date.parse('2025-01-01T00:00:00Z') + day * 86_400_000).toISOString().slice(0, 10);

/** What one change came to: applied, refused by its service, or nothing to act on. */
type Applied = Outcome | { skipped: true };
const SKIPPED: Applied = { skipped: true };

async function apply(
	db: Db,
	ids: { points: number[]; rounds: number[]; kept: number; cancelled: number; item: number },
	o: Op
): Promise<Applied> {
	const pointId = ids.points[o.point];
	switch (o.kind) {
		case 'answer': {
			const roundId = ids.rounds[o.round];
			const existing = await findSubmission(db, roundId, pointId);
			if (existing?.status === 'accepted') {
				if (o.then !== 'reopen') return SKIPPED;
				return outcomeOf(() => reopenSubmission(db, null, existing.id, '复核'));
			}
			const sending = existing?.status !== 'submitted';
			if (sending) {
				let version = 0;
				const saved = await outcomeOf(async () => {
					const r = await saveAnswers(db, null, {
						roundId,
						pointId,
						expectedVersion: existing?.version ?? null,
						raw: { meetings_attended: String(o.meetings), data_requests: '2' },
						notes: { meetings_attended: '核实无误' }
					});
					if (r && typeof r === 'object' && 'version' in r) version = r.version as number;
					return r;
				});
				if (!saved.applied) return saved;
				const sent = await outcomeOf(() =>
					submit(db, null, {
						roundId,
						pointId,
						expectedVersion: version,
						clientToken: `prop-${roundId}-${pointId}-${o.meetings}`
					})
				);
				if (!sent.applied) return sent;
			}
			const s = (await findSubmission(db, roundId, pointId))!;
			// Nothing accepted to reopen: the answers just sent are the change.
			if (o.then === 'reopen') return sending ? { applied: true } : SKIPPED;
			return outcomeOf(() =>
				o.then === 'accept' ? acceptSubmission(db, null, s.id) : returnSubmission(db, null, s.id, '请核实')
			);
		}
		case 'plate':
			return outcomeOf(() =>
				addSignboard(db, null, pointId, {
					text: '标牌',
					categoryId: o.cancelled ? ids.cancelled : ids.kept,
					placement: null,
					department: null,
					hungOn: dateOf(o.day)
				})
			);
		case 'remove':
		case 'rehang': {
			const board = await db
				.selectFrom('signboards')
				.select('id')
				.where('point_id', '=', pointId)
				.where('state', '=', o.kind === 'remove' ? 'hung' : 'removed')
				.orderBy('id')
				.executeTakeFirst();
			if (!board) return SKIPPED;
			return outcomeOf(() =>
				o.kind === 'remove'
					? removeSignboard(db, null, pointId, board.id, { removedOn: dateOf(o.day) })
					: rehangSignboard(db, null, pointId, board.id, { hungOn: dateOf(o.day) })
			);
		}
		case 'second':
			return outcomeOf(() =>
				addSecondment(db, null, pointId, {
					personName: '张三',
					post: null,
					borrowingUnit: '县民政局',
					startDate: dateOf(o.day),
					expectedEnd: null,
					approved: o.approved,
					approvalRef: o.approved ? '民发〔2025〕1号' : null
				})
			);
		case 'return': {
			const s = await db
				.selectFrom('secondments')
				.select(['id', 'start_date'])
				.where('point_id', '=', pointId)
				.where('return_date', 'is', null)
				.executeTakeFirst();
			if (!s) return SKIPPED;
			return outcomeOf(() => recordSecondmentReturn(db, null, pointId, s.id, { returnDate: dateOf(o.day) }));
		}
		case 'count':
			return outcomeOf(() =>
				recordCertificateCount(db, null, pointId, {
					itemId: ids.item,
					periodKind: 'quarter',
					period: QUARTERS_2025[o.quarter].period,
					issued: o.issued
				})
			);
	}
}

/** Kinds of change that always find something to act on and are never refused here. */
const ALWAYS_APPLIED = new Set<Op['kind']>(['plate', 'second', 'count']);
/** Kinds of change whose random date may come before the register's last one (refused). */
const DATED_CHANGES = new Set<Op['kind']>(['remove', 'rehang', 'return']);

type Sums = Map<string, [number, number, number, number]>;

async function regionRows(db: Db): Promise<Sums> {
	const rows = await db.selectFrom('region_indicators').selectAll().execute();
	return new Map(
		rows
			.filter((r) => r.points !== 0 || r.total !== 0 || r.holding !== 0 || r.rebounding !== 0)
			.map((r) => [
				`${r.region_code}|${r.period_key}|${r.indicator}`,
				[r.total, r.points, r.holding, r.rebounding]
			])
	);
}

/** The same sums computed straight from the point rows and the region codes. */
async function sumsOverPoints(db: Db, tree: RegionTree): Promise<Sums> {
	const rows = await db
		.selectFrom('point_indicators as pi')
		.innerJoin('points as p', 'p.id', 'pi.point_id')
		.select(['p.region_code', 'pi.period_key', 'pi.indicator', 'pi.value', 'pi.status'])
		.execute();
	const sums: Sums = new Map();
	const regions = [
		tree.province,
		tree.city,
		tree.county,
		tree.otherCounty,
		tree.township,
		`${tree.province}0105001`
	];
	for (const r of rows) {
		for (const code of regions.filter((c) => r.region_code.startsWith(c))) {
			const key = `${code}|${r.period_key}|${r.indicator}`;
			const s = sums.get(key) ?? [0, 0, 0, 0];
			s[0] += r.value;
			s[1] += 1;
			s[2] += r.status === 'holding' ? 1 : 0;
			s[3] += r.status === 'rebounding' ? 1 : 0;
			sums.set(key, s);
		}
	}
	return sums;
}

function expectSame(actual: Sums, expected: Sums) {
	const round = (m: Sums) =>
		Object.fromEntries([...m].map(([k, v]) => [k, v.map((x) => Math.round(x * 1000) / 1000)]).sort());
	expect(round(actual)).toEqual(round(expected));
}

describe('kept totals (property)', () => {
	it('equal the sums over the points, and a rebuild, after any sequence of changes', async () => {
		const refusals: { kind: Op['kind']; code: string }[] = [];
		const totals = { ops: 0, changes: 0 };
		await fc.assert(
			fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
				const { db, tree, points, rounds } = await setup();
				const ids = {
					points: points.map((p) => p.id),
					rounds,
					kept: await newSignboardCategory(db, { status: 'kept', placement: 'interior' }),
					cancelled: await newSignboardCategory(db, { status: 'cancelled', placement: 'exterior' }),
					item: await newCertificateItem(db, { status: 'cancelled' })
				};
				let changes = 0;
				for (const o of ops) {
					const result = await apply(db, ids, o);
					if ('skipped' in result) continue;
					if (result.applied) changes++;
					else refusals.push({ kind: o.kind, code: result.code });
				}
				// Changes that always have something to act on, with inputs no rule refuses, are all applied.
				expect(changes).toBeGreaterThanOrEqual(ops.filter((o) => ALWAYS_APPLIED.has(o.kind)).length);
				totals.ops += ops.length;
				totals.changes += changes;
				const kept = await regionRows(db);
				expectSame(kept, await sumsOverPoints(db, tree));
				const pointRows = await keptPointRows(db);
				await rebuildIndicators(db);
				expect(await keptPointRows(db)).toEqual(pointRows);
				expectSame(await regionRows(db), kept);
				await close?.();
				close = undefined;
			}),
			{ numRuns: 25, seed: 20261122 }
		);
		// The property is about changes that happened: most of the generated ones must have been.
		expect(totals.changes).toBeGreaterThanOrEqual(totals.ops / 2);
		// The only refusals are a dated register change before the register's previous date.
		for (const r of refusals) {
			expect(DATED_CHANGES.has(r.kind)).toBe(true);
			expect(Object.keys(refusalMessages)).toContain(r.code);
		}
	}, 120_000);
});

describe('a rebuild in the background', () => {
	it('lets staff submit and reviewers accept while it runs, shows its progress, and switches the figures when complete', async () => {
		const { db, tree, points, rounds } = await setup();
		// Forty more points, so the rebuild takes several chunks.
		for (let i = 10; i < 50; i++) {
			const code = `${tree.township}${String(i).padStart(3, '0')}`;
			await db
				.insertInto('regions')
				.values({ code, parent_code: tree.township, level: 5, name: `第${i}村委会` })
				.execute();
			const point = await newPoint(db, code);
			points.push(point);
			// The rounds were opened before these points existed: they are asked too.
			await db
				.insertInto('round_targets')
				.values(rounds.map((round_id) => ({ round_id, point_id: point.id })))
				.execute();
		}
		for (const p of points)
			await newSubmission(db, rounds[0], p.id, { meetings_attended: 6, data_requests: 2 });
		const q2 = () =>
			regionTrend(db, tree.county, { kind: 'quarter' }).then((t) =>
				t.rows.find((r) => r.indicator === 'meetings_attended' && r.period === '2025-Q2')
			);

		await setTrendRule(db, null, { baselinePeriod: null, sensitivity: 'sensitive' });
		expect(await pendingRebuild(db)).toMatchObject({ rule: { sensitivity: 'sensitive' } });
		expect((await getTrendRule(db)).sensitivity).toBe('standard');

		// While the worker runs, part way through: progress is visible, and a point it has already
		// done is submitted and accepted (so its new figures must reach the tables being built).
		const running = kickRebuilds(db);
		let pending = await pendingRebuild(db);
		while (pending && pending.donePoints === 0) {
			await new Promise((r) => setImmediate(r));
			pending = await pendingRebuild(db);
		}
		expect(pending?.progress).toBeGreaterThan(0);
		expect(pending?.progress).toBeLessThan(100);
		await newSubmission(db, rounds[1], points[0].id, { meetings_attended: 7, data_requests: 2 });
		expect(await pendingRebuild(db)).not.toBeNull();
		await running;
		expect((await findSubmission(db, rounds[1], points[0].id))?.status).toBe('accepted');

		// Complete: the new rule is in force and the submission counts in the new figures…
		expect(await pendingRebuild(db)).toBeNull();
		expect((await getTrendRule(db)).sensitivity).toBe('sensitive');
		expect(await q2()).toMatchObject({ points: 1, total: 7 });
		// …which are exactly what a rebuild from scratch gives.
		const snapshot = () => keptPointRows(db);
		const regions = () =>
			db
				.selectFrom('region_indicators')
				.selectAll()
				.where((eb) => eb.or([eb('points', '!=', 0), eb('total', '!=', 0)]))
				.orderBy(['region_code', 'period_key', 'indicator'])
				.execute();
		const [before, beforeRegions] = [await snapshot(), await regions()];
		await rebuildIndicators(db);
		expect(await snapshot()).toEqual(before);
		expect(await regions()).toEqual(beforeRegions);
	});
});
