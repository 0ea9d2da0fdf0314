import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../../src/lib/server/auth/sign-in.service';
import type { Db } from '../../src/lib/server/db';
import { periodRange } from '../../src/lib/domain/periods';
import {
	DEMO_LATE_POINTS,
	DEMO_REBOUND_POINTS,
	demoQuarters,
	HISTORY_QUARTERS,
	LATE_JOIN_QUARTER
} from '../../src/lib/server/demo/demo-facts';
import { DEMO_MARKER, REVIEWER_COUNTY, seedDemo, type DemoAccount } from '../../src/lib/server/demo/seed';
import { registerFigures, type RegisterFigures } from '../../src/lib/server/registers/registers.queries';
import { countRegionsByLevel } from '../../src/lib/server/regions/regions.repository';
import { getTrendRule, rebuildIndicators } from '../../src/lib/server/trends/indicators.service';
import { freshDatabase, keptPointRows } from '../helpers/db';
import { auditRows } from '../helpers/factories';

let db: Db;
let close: () => Promise<void>;
let accounts: DemoAccount[];

beforeAll(async () => {
	({ db, close } = await freshDatabase());
	accounts = await seedDemo(db);
}, 60_000);
afterAll(() => close());

describe('the demo database', () => {
	it('holds the whole Ningxia hierarchy: 1 province, 5 cities, 22 counties, 259 townships, 2912 villages', async () => {
		expect(await countRegionsByLevel(db)).toEqual({ 1: 1, 2: 5, 3: 22, 4: 259, 5: 2912 });
		const province = await db
			.selectFrom('regions')
			.selectAll()
			.where('level', '=', 1)
			.executeTakeFirstOrThrow();
		expect(province).toEqual({ code: '64', parent_code: null, level: 1, name: '宁夏回族自治区' });
	});

	it('hangs every region under a parent one level up', async () => {
		const mislevelled = await db
			.selectFrom('regions as r')
			.innerJoin('regions as p', 'p.code', 'r.parent_code')
			.select('r.code')
			.where((eb) => eb('p.level', '!=', eb('r.level', '-', 1)))
			.execute();
		expect(mislevelled).toEqual([]);
		const noParent = await db
			.selectFrom('regions as r')
			.leftJoin('regions as p', 'p.code', 'r.parent_code')
			.select('r.code')
			.where('r.level', '>', 1)
			.where('p.code', 'is', null)
			.execute();
		expect(noParent).toEqual([]);
	});

	it('has 46 active points on villages, covering all 22 counties and both types', async () => {
		const points = await db
			.selectFrom('points')
			.innerJoin('regions', 'regions.code', 'points.region_code')
			.select(['points.region_code', 'points.type', 'points.active', 'regions.level'])
			.execute();
		expect(points).toHaveLength(46);
		expect(points.every((p) => p.active === 1 && p.level === 5)).toBe(true);
		const counties = await db.selectFrom('regions').select('code').where('level', '=', 3).execute();
		const covered = new Set(points.map((p) => p.region_code.slice(0, 6)));
		expect([...covered].sort()).toEqual(counties.map((c) => c.code).sort());
		const types = points.reduce<Record<string, number>>(
			(n, p) => ({ ...n, [p.type]: (n[p.type] ?? 0) + 1 }),
			{}
		);
		expect(types.village).toBeGreaterThan(0);
		expect(types.community).toBeGreaterThan(0);
		expect(types.village + types.community).toBe(46);
	});

	it('has four accounts, one per role, that need no password change', async () => {
		const users = await db
			.selectFrom('users')
			.select(['username', 'role', 'region_code', 'point_id', 'must_change_password', 'active'])
			.orderBy('id')
			.execute();
		expect(users.map((u) => u.role)).toEqual(['admin', 'analyst', 'reviewer', 'staff']);
		expect(users.every((u) => u.must_change_password === 0 && u.active === 1)).toBe(true);
		expect(users.find((u) => u.role === 'analyst')?.region_code).toBe('64');
		expect(users.find((u) => u.role === 'reviewer')?.region_code).toBe(REVIEWER_COUNTY);
		const staff = users.find((u) => u.role === 'staff')!;
		const point = await db
			.selectFrom('points')
			.selectAll()
			.where('id', '=', staff.point_id!)
			.executeTakeFirstOrThrow();
		// The staff member's point lies in the reviewer's county, so the demo shows a review chain.
		expect(point.region_code.startsWith(REVIEWER_COUNTY)).toBe(true);
		expect(accounts.map((a) => a.username)).toEqual(users.map((u) => u.username));
	});

	it('lets the demo accounts sign in with their published passwords', async () => {
		for (const a of accounts.slice(0, 2)) {
			const userId = await signIn(db, { username: a.username, password: a.password, ip: '127.0.0.1' });
			expect(userId).toEqual(expect.any(Number));
		}
	});

	it('records the import and each point in the audit log, and marks itself as a demo', async () => {
		expect(await auditRows(db, { action: 'regions.import' })).toHaveLength(1);
		expect(await auditRows(db, { action: 'point.create' })).toHaveLength(46);
		const marker = await db
			.selectFrom('app_settings')
			.selectAll()
			.where('key', '=', DEMO_MARKER)
			.executeTakeFirst();
		expect(marker?.value).toMatch(/^\d{4}-\d\d-\d\dT/);
	});
});

describe('the demo history', () => {
	const { history, current } = demoQuarters();
	const ranges = history.map((q) => periodRange('quarter', q)!);
	const last = ranges[HISTORY_QUARTERS - 1];
	const BURDENS = [
		'mechanisms_hosted',
		'data_requests',
		'apps_required',
		'work_groups',
		'meetings_attended',
		'inspections_received'
	];

	const points = () =>
		db
			.selectFrom('points')
			.innerJoin('regions', 'regions.code', 'points.region_code')
			.select(['points.id', 'points.region_code as code', 'regions.name'])
			.orderBy('points.region_code')
			.execute();
	const staffPoint = async () => {
		const staff = await db
			.selectFrom('users')
			.select('point_id')
			.where('role', '=', 'staff')
			.executeTakeFirstOrThrow();
		return db.selectFrom('points').selectAll().where('id', '=', staff.point_id!).executeTakeFirstOrThrow();
	};
	const rounds = () => db.selectFrom('rounds').selectAll().orderBy('period_start').execute();

	it('names rebound and late points that are demo points', async () => {
		const byCode = new Map((await points()).map((p) => [p.code, p.name]));
		for (const fact of [...DEMO_REBOUND_POINTS, ...DEMO_LATE_POINTS])
			expect(byCode.get(fact.code), fact.code).toBe(fact.name);
	});

	it('has eight closed quarterly rounds, the baseline first, then the current quarter open', async () => {
		const all = await rounds();
		expect(all.map((r) => r.period_start)).toEqual(
			[...history, current].map((q) => periodRange('quarter', q)!.start)
		);
		expect(all.map((r) => r.status)).toEqual([...Array(HISTORY_QUARTERS).fill('closed'), 'open']);
	});

	it('has most points accepted each quarter, a few late, one or two missing, others each quarter', async () => {
		const all = (await rounds()).slice(0, HISTORY_QUARTERS);
		const late = new Set(
			(await points()).filter((p) => DEMO_LATE_POINTS.some((l) => l.code === p.code)).map((p) => p.id)
		);
		const missingEver = new Set<number>();
		for (const [k, round] of all.entries()) {
			const targets = (
				await db.selectFrom('round_targets').select('point_id').where('round_id', '=', round.id).execute()
			).map((t) => t.point_id);
			const subs = await db
				.selectFrom('submissions')
				.select(['point_id', 'status', 'late'])
				.where('round_id', '=', round.id)
				.execute();
			expect(targets).toHaveLength(k < LATE_JOIN_QUARTER ? 44 : 46);
			expect(targets.some((t) => late.has(t))).toBe(k >= LATE_JOIN_QUARTER);
			const missing = targets.filter((t) => !subs.some((s) => s.point_id === t));
			missing.forEach((m) => missingEver.add(m));
			expect(missing.length, history[k]).toBeGreaterThanOrEqual(1);
			expect(missing.length, history[k]).toBeLessThanOrEqual(3);
			const accepted = subs.filter((s) => s.status === 'accepted');
			expect(accepted.length, history[k]).toBeGreaterThanOrEqual(39);
			expect(subs.filter((s) => s.late === 1).length, history[k]).toBeGreaterThanOrEqual(2);
			expect(subs.filter((s) => s.late === 1).length, history[k]).toBeLessThanOrEqual(6);
			const waiting = subs.filter((s) => s.status !== 'accepted').map((s) => s.status);
			if (k < HISTORY_QUARTERS - 1) expect(waiting).toEqual([]);
			else expect(waiting.sort()).toEqual(['returned', 'returned', 'submitted', 'submitted']);
		}
		expect(missingEver.size).toBeGreaterThanOrEqual(8);
	});

	it('has the staff point accepted last quarter and not started this quarter, with no rebound', async () => {
		const point = await staffPoint();
		const [lastRound, currentRound] = (await rounds()).slice(-2);
		const own = (roundId: number) =>
			db
				.selectFrom('submissions')
				.select('status')
				.where('round_id', '=', roundId)
				.where('point_id', '=', point.id)
				.executeTakeFirst();
		expect((await own(lastRound.id))?.status).toBe('accepted');
		expect(await own(currentRound.id)).toBeUndefined();
		const started = await db
			.selectFrom('submissions')
			.select('status')
			.where('round_id', '=', currentRound.id)
			.execute();
		expect(started.some((s) => s.status === 'draft')).toBe(true);
		expect(started.some((s) => s.status === 'submitted')).toBe(true);
		expect(DEMO_REBOUND_POINTS.some((r) => r.code === point.region_code)).toBe(false);
		const figures = await registerFigures(db, point.id, last.start, last.end);
		expect(figures.signboardsRehung).toBe(false);
		expect(figures.secondmentsUnapproved).toBe(0);
		expect(figures.certificatesCancelledIssued).toBe(0);
	});

	it('hangs plates before the baseline, takes cancelled ones down in the next quarters, and hangs some again only in the last closed quarter', async () => {
		const events = await db
			.selectFrom('signboard_events as e')
			.innerJoin('signboards as s', 's.id', 'e.signboard_id')
			.innerJoin('signboard_categories as c', 'c.id', 's.category_id')
			.innerJoin('points as p', 'p.id', 's.point_id')
			.select(['e.kind', 'e.on_date as onDate', 'c.status', 'p.region_code as code'])
			.execute();
		expect(events.filter((e) => e.kind === 'hung').every((e) => e.onDate < ranges[0].start)).toBe(true);
		const removals = events.filter((e) => e.kind === 'removed');
		expect(removals.length).toBeGreaterThan(80);
		expect(removals.every((e) => e.status === 'cancelled')).toBe(true);
		const early = removals.filter((e) => !DEMO_LATE_POINTS.some((l) => l.code === e.code));
		expect(early.every((e) => e.onDate >= ranges[1].start && e.onDate <= ranges[2].end)).toBe(true);
		const rehung = events.filter((e) => e.kind === 'rehung');
		expect(rehung.every((e) => e.onDate >= last.start && e.onDate <= last.end)).toBe(true);
		const expected = DEMO_REBOUND_POINTS.filter((r) => r.indicator === 'signboards_rehung');
		expect(expected.every((r) => r.quarterOffset === -1)).toBe(true);
		expect(rehung.map((e) => e.code).sort()).toEqual(expected.map((r) => r.code).sort());
		const staffCode = (await staffPoint()).region_code;
		expect(rehung.some((e) => e.code.startsWith(REVIEWER_COUNTY) && e.code !== staffCode)).toBe(true);
	});

	it('shows answer rebounds at exactly the named points, and every other point holding a 30–60% cut', async () => {
		const rows = await db
			.selectFrom('answers as a')
			.innerJoin('submissions as s', 's.id', 'a.submission_id')
			.innerJoin('rounds as r', 'r.id', 's.round_id')
			.innerJoin('points as p', 'p.id', 's.point_id')
			.select(['p.region_code as code', 'r.period_start as start', 'a.item_key as key', 'a.value'])
			.where('s.status', '=', 'accepted')
			.where('r.status', '=', 'closed')
			.where('a.item_key', 'in', BURDENS)
			.orderBy('r.period_start')
			.execute();
		const series = new Map<string, number[]>();
		for (const r of rows) {
			const id = `${r.code} ${r.key}`;
			if (!series.has(id)) series.set(id, []);
			series.get(id)!.push(JSON.parse(r.value) as number);
		}
		const rebounding: string[] = [];
		const cuts: number[] = [];
		for (const [id, values] of series) {
			const best = Math.min(...values);
			if (values.at(-1)! > best * 1.2) rebounding.push(id);
			else cuts.push(1 - values.at(-1)! / values[0]);
		}
		expect(rebounding.sort()).toEqual(
			DEMO_REBOUND_POINTS.filter((r) => r.source === 'answers')
				.map((r) => `${r.code} ${r.indicator}`)
				.sort()
		);
		const mean = cuts.reduce((a, b) => a + b, 0) / cuts.length;
		expect(mean).toBeGreaterThan(0.3);
		expect(mean).toBeLessThan(0.6);
	});

	it('is judged by the rule as the facts say: the named points rebound in the last closed quarter, every other point holds', async () => {
		const last = await db
			.selectFrom('rounds')
			.select('period_start')
			.where('status', '=', 'closed')
			.orderBy('period_end', 'desc')
			.executeTakeFirstOrThrow();
		const period = `${last.period_start.slice(0, 4)}-Q${Math.ceil(Number(last.period_start.slice(5, 7)) / 3)}`;
		const flagged = await db
			.selectFrom('point_indicators as pi')
			.innerJoin('points as p', 'p.id', 'pi.point_id')
			.select(['p.region_code as code', 'pi.indicator', 'pi.status'])
			.where('pi.period_key', '=', period)
			.where('pi.status', 'in', ['rebounding', 'watch'])
			.execute();
		const named = new Set(DEMO_REBOUND_POINTS.map((r) => r.code));
		expect(flagged.filter((f) => !named.has(f.code))).toEqual([]);
		const rebounding = (code: string, indicator: string) =>
			flagged.some((f) => f.code === code && f.indicator === indicator && f.status === 'rebounding');
		expect(DEMO_REBOUND_POINTS.filter((r) => !rebounding(r.code, r.indicator))).toEqual([]);
	});

	it("judges by each counted indicator's spread over all its points, read when it was rebuilt", async () => {
		const rule = await getTrendRule(db);
		const meetings = rule.spreads?.['meetings_attended:quarter'];
		// Every point's quarters that held, step by step: far more than one point's own few.
		expect(meetings?.steps).toBeGreaterThan(100);
		expect(meetings?.dispersion).toBeGreaterThanOrEqual(1);
		// Cancelled things are events and percentages have their own spread: never pooled.
		expect(
			Object.keys(rule.spreads ?? {}).filter((k) => /cancelled|unapproved|rehung|compliance/.test(k))
		).toEqual([]);
		// The kept figures were made by that rule: rebuilding again changes nothing.
		const before = await keptPointRows(db);
		await rebuildIndicators(db);
		const after = await keptPointRows(db);
		expect(after).toEqual(before);
	});

	it('shows register rebounds in the last closed quarter at exactly the named points', async () => {
		const found: string[] = [];
		let reduced = 0;
		for (const point of await points()) {
			const figures: RegisterFigures[] = [];
			for (const range of ranges) figures.push(await registerFigures(db, point.id, range.start, range.end));
			const worse = (value: (f: RegisterFigures) => number) => {
				const values = figures.map(value);
				return values.at(-1)! > Math.min(...values);
			};
			if (worse((f) => Number(f.signboardsRehung))) found.push(`${point.code} signboards_rehung`);
			if (worse((f) => f.certificatesCancelledIssued))
				found.push(`${point.code} certificates_cancelled_issued`);
			if (worse((f) => f.secondmentsUnapproved)) found.push(`${point.code} secondments_unapproved`);
			const plates = (f: RegisterFigures) => f.signboardsExterior + f.signboardsInterior;
			if (plates(figures[0]) > plates(figures[3])) reduced++;
		}
		// The baseline shows what the reform took down.
		expect(reduced).toBeGreaterThanOrEqual(40);
		expect(found.sort()).toEqual(
			DEMO_REBOUND_POINTS.filter((r) => r.source === 'registers')
				.map((r) => `${r.code} ${r.indicator}`)
				.sort()
		);
	});
});
