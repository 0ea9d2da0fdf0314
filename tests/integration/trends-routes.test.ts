// The trends pages, the JSON endpoint and the rule form through their real load functions,
// handlers and actions: readers see their own scope and get a 404 elsewhere, the endpoint answers
// 401 without a session, and the rule form refuses a bad sensitivity and applies a saved rule once
// its rebuild is done.
import { isHttpError, isRedirect, type ActionFailure } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import type { PublicUser } from '../../src/lib/domain/roles';
import type { DashboardData, PeriodView } from '../../src/lib/domain/trend-view';
import { getTrendRule, kickRebuilds, pendingRebuild } from '../../src/lib/server/trends/indicators.service';
import * as rulePage from '../../src/routes/(app)/admin/trend-rule/+page.server';
import * as indexPage from '../../src/routes/(app)/trends/+page.server';
import * as regionPage from '../../src/routes/(app)/trends/[code=region]/+page.server';
import * as pointPage from '../../src/routes/(app)/trends/points/[id=id]/+page.server';
import * as ruleReadPage from '../../src/routes/(app)/trends/rule/+page.server';
import { withExplanations } from '../../src/routes/api/respond';
import * as regionApi from '../../src/routes/api/trends/[code=region]/+server';
import * as pointApi from '../../src/routes/api/trends/points/[id=id]/+server';
import { callAction, callLoad, makeEvent, thrownBy, useLocale } from '../helpers/event';
import { auditRows, type PointRef } from '../helpers/factories';
import { MEETINGS_WORLD, useScenario } from '../helpers/scenario';

useLocale('zh');

// Each test gets its own database with the same points, users and rounds, so none depends on another.
// The own point goes 3 → 2 → 11 meetings: far above its level in one period, so the rule
// watches it (需关注). The neighbour holds at 4.
const meetings = { own: [3, 2, 11], neighbour: [4, 4, 4], far: [1, 1, 1] } as const;
const s = useScenario(
	{
		...MEETINGS_WORLD,
		roundName: (q) => q.period,
		answers: (point, i) => ({ meetings_attended: meetings[point][i], data_requests: 2 })
	},
	{ fresh: 'each' }
);
const { tree, points, users: u } = s;

const is404 = (e: unknown) => isHttpError(e, 404);
type Loaded = Promise<{ dashboard: DashboardData }>;
const regionLoad = (user: PublicUser | null, code: string, query = ''): Loaded =>
	callLoad(regionPage.load, makeEvent({ user, params: { code }, url: `/trends/${code}${query}` }));
const pointLoad = (user: PublicUser | null, point: PointRef, query = ''): Loaded =>
	callLoad(
		pointPage.load,
		makeEvent({ user, params: { id: String(point.id) }, url: `/trends/points/${point.id}${query}` })
	);

async function redirectOf(run: () => unknown): Promise<string> {
	const e = await thrownBy(run);
	if (!isRedirect(e)) throw new Error(`expected a redirect, got ${JSON.stringify(e)}`);
	return e.location;
}

describe('the trends pages', () => {
	it('send each reader from /trends to their own dashboard', async () => {
		const go = (user: PublicUser) =>
			redirectOf(() => indexPage.load(makeEvent({ user, url: '/trends?kind=quarter' }) as never));
		expect(await go(u.analyst)).toBe(`/trends/${tree.city}?kind=quarter`);
		expect(await go(u.staff)).toBe(`/trends/points/${points.own.id}?kind=quarter`);
		expect(await go(u.admin)).toBe(`/trends/${tree.province}?kind=quarter`);
		expect(await redirectOf(() => indexPage.load(makeEvent({ url: '/trends' }) as never))).toMatch(
			/^\/login/
		);
	});

	it('show an analyst the region, its children and the rebound, with the chosen indicators', async () => {
		const { dashboard: d } = await regionLoad(
			u.analyst,
			tree.county,
			'?kind=quarter&i=meetings_attended&i=data_requests'
		);
		expect(d.scope).toMatchObject({ kind: 'region', code: tree.county, name: '兴庆区' });
		// Ticked boxes arrive as repeated `i`; they mean the same as one comma-separated list.
		expect(d.selected).toEqual(['meetings_attended', 'data_requests']);
		expect(d.trends).toHaveLength(15);
		expect(d.shown.map((p) => p.key)).toEqual(['2025-Q1', '2025-Q2', '2025-Q3']);
		const meetings = d.trends.find((t) => t.indicator === 'meetings_attended')!;
		expect(meetings.values.map((v) => v.value)).toEqual([3.5, 3, 7.5]);
		expect(d.children.map((c) => c.code)).toEqual([tree.township]);
		expect(d.children[0]).toMatchObject({ watching: 1, rebounding: 0, holding: 1, status: 'watch' });
		expect(d.children[0].href).toBe(`/trends/${tree.township}`);
		expect(d.rebounds.rows).toEqual([
			expect.objectContaining({
				pointId: points.own.id,
				period: '2025-Q3',
				status: 'watch',
				flags: [expect.objectContaining({ indicator: 'meetings_attended', value: 11, level: 2 })]
			})
		]);
		expect(d.breadcrumbs.map((c) => [c.code, c.href])).toEqual([
			[tree.province, null],
			[tree.city, `/trends/${tree.city}`],
			[tree.county, `/trends/${tree.county}`]
		]);
	});

	it('list a township’s points as its children, linking to their dashboards', async () => {
		const { dashboard: d } = await regionLoad(u.reviewer, tree.township);
		expect(d.children.map((c) => [c.name, c.pointId, c.href])).toEqual([
			['红花村委会', points.own.id, `/trends/points/${points.own.id}`],
			['满春社区居委会', points.neighbour.id, `/trends/points/${points.neighbour.id}`]
		]);
	});

	it('answer 404 to a reviewer of another county, and send a visitor to sign in', async () => {
		expect(is404(await thrownBy(() => regionLoad(u.farReviewer, tree.county)))).toBe(true);
		expect(is404(await thrownBy(() => pointLoad(u.farReviewer, points.own)))).toBe(true);
		expect(await redirectOf(() => regionLoad(null, tree.county))).toMatch(/^\/login\?redirectTo=/);
	});

	it('show staff their own point and nothing else', async () => {
		const { dashboard: d } = await pointLoad(u.staff, points.own);
		expect(d.scope).toMatchObject({ kind: 'point', pointId: points.own.id, name: '红花村委会' });
		expect(d.children).toEqual([]);
		expect(d.rebounds.watching).toBe(1);
		expect(d.rebounds.rows[0].flags[0].evidence).toBe('answer');
		expect(is404(await thrownBy(() => pointLoad(u.staff, points.neighbour)))).toBe(true);
		expect(is404(await thrownBy(() => regionLoad(u.staff, tree.village)))).toBe(true);
	});

	it('fall back to defaults for a nonsense query', async () => {
		const { dashboard: d } = await regionLoad(u.analyst, tree.city, '?kind=decade&from=x&to=y&i=nope');
		expect(d.kind).toBe('quarter');
		expect(d.selected.length).toBeGreaterThan(0);
		expect(d.shown.length).toBe(3);
	});
});

describe('the trends JSON endpoint', () => {
	const get = async (
		handler: (e: never) => unknown,
		user: PublicUser | null,
		params: Record<string, string>,
		url: string
	) => (await (handler as (e: unknown) => Promise<Response>)(makeEvent({ user, params, url }))) as Response;

	it('gives each flag the sentence the page shows', async () => {
		const res = await get(regionApi.GET, u.analyst, { code: tree.county }, `/api/trends/${tree.county}`);
		expect(res.status).toBe(200);
		const body = await res.json();
		expect(body.rebounds.rows[0].flags[0]).toMatchObject({
			indicator: 'meetings_attended',
			status: 'watch',
			explanation: expect.stringMatching(
				/^本期 11 次，超过波动上限 [\d.]+ 次（减负后常态 2 次），仅此一期，需关注。$/
			)
		});
	});

	it('answers 401 in JSON without a session', async () => {
		const res = await get(regionApi.GET, null, { code: tree.county }, `/api/trends/${tree.county}`);
		expect(res.status).toBe(401);
		expect(res.headers.get('content-type')).toMatch(/json/);
		const point = await get(
			pointApi.GET,
			null,
			{ id: String(points.own.id) },
			`/api/trends/points/${points.own.id}`
		);
		expect(point.status).toBe(401);
	});

	it('answers 404 outside the reader’s scope and for unknown points', async () => {
		expect(
			(await get(regionApi.GET, u.farReviewer, { code: tree.county }, '/api/trends/640104')).status
		).toBe(404);
		expect(
			(await get(pointApi.GET, u.staff, { id: String(points.neighbour.id) }, '/api/trends/points/x')).status
		).toBe(404);
		expect((await get(pointApi.GET, u.admin, { id: '999999' }, '/api/trends/points/999999')).status).toBe(
			404
		);
		expect((await get(regionApi.GET, u.admin, { code: '6499' }, '/api/trends/6499')).status).toBe(404);
		// A village code's figures are its point's, under /api/trends/points/{id}.
		expect(
			(await get(regionApi.GET, u.admin, { code: tree.village }, `/api/trends/${tree.village}`)).status
		).toBe(404);
	});

	it('returns the same data as the page, with each flag’s sentence', async () => {
		const res = await get(
			regionApi.GET,
			u.analyst,
			{ code: tree.county },
			`/api/trends/${tree.county}?kind=quarter&i=data_requests,meetings_attended`
		);
		expect(res.status).toBe(200);
		expect(res.headers.get('cache-control')).toContain('no-store');
		const body = (await res.json()) as DashboardData;
		const { dashboard } = await regionLoad(
			u.analyst,
			tree.county,
			'?kind=quarter&i=data_requests,meetings_attended'
		);
		expect(body).toEqual(JSON.parse(JSON.stringify(withExplanations(dashboard))));
		expect(body.selected).toEqual(['data_requests', 'meetings_attended']);

		const own = await get(
			pointApi.GET,
			u.staff,
			{ id: String(points.own.id) },
			`/api/trends/points/${points.own.id}`
		);
		expect(own.status).toBe(200);
		expect(((await own.json()) as DashboardData).scope).toMatchObject({
			kind: 'point',
			pointId: points.own.id
		});
	});
});

describe('the trend rule', () => {
	const ruleEvent = (user: PublicUser, form?: Record<string, string>) =>
		makeEvent({ user, url: '/admin/trend-rule', form });
	const save = (form: Record<string, string>) => callAction(rulePage.actions.save, ruleEvent(u.admin, form));
	type Failed = ActionFailure<{ form: { valid: boolean; errors: Record<string, string[] | undefined> } }>;

	it('is written down for every signed-in reader', async () => {
		const { rule, pending, canEdit } = await callLoad(
			ruleReadPage.load,
			makeEvent({ user: u.staff, url: '/trends/rule' })
		);
		expect(rule).toEqual({ baselinePeriod: null, sensitivity: 'standard' });
		expect(pending).toBeNull();
		expect(canEdit).toBe(false);
	});

	it('is edited by admins only, with what each sensitivity would flag now', async () => {
		expect(is404(await thrownBy(() => rulePage.load(ruleEvent(u.analyst) as never)))).toBe(true);
		const data = await callLoad(rulePage.load, ruleEvent(u.admin));
		expect(data.form.data).toEqual({ baselinePeriod: '', sensitivity: 'standard' });
		expect(data.pending).toBeNull();
		expect(data.periods.map((p: PeriodView) => p.key)).toEqual(['2025-Q1', '2025-Q2', '2025-Q3']);
		// The own point's jump to 11 meetings is watched at the latest period, whatever the setting.
		expect(data.preview).toMatchObject({ period: '2025-Q3', points: 3 });
		expect(data.preview.counts.standard).toEqual({ rebounding: 0, watch: 1 });
	});

	it('refuses an unknown sensitivity and an unknown period, beside each field', async () => {
		const bad = (await save({ baselinePeriod: '', sensitivity: 'loose' })) as Failed;
		expect(bad.status).toBe(400);
		expect(bad.data.form.errors.sensitivity).toEqual(['请选择一种灵敏度。']);
		const period = (await save({ baselinePeriod: '1999-Q1', sensitivity: 'robust' })) as Failed;
		expect(period.status).toBe(400);
		expect(period.data.form.errors.baselinePeriod).toEqual(['请从列表中选择期间。']);
		expect(await pendingRebuild(s.db)).toBeNull();
		expect(await getTrendRule(s.db)).toEqual({ baselinePeriod: null, sensitivity: 'standard' });
	});

	it('saves a valid rule, audits it and applies it once every point is recalculated', async () => {
		const result = (await save({ baselinePeriod: '2025-Q2', sensitivity: 'robust' })) as {
			form: { valid: boolean; message?: string };
		};
		expect(result.form.valid).toBe(true);
		expect(result.form.message).toBe(
			'已保存。正在按新规则重新计算所有观测点的指标，完成后各页面自动改用新结果。'
		);
		const next = { baselinePeriod: '2025-Q2', sensitivity: 'robust' };
		expect((await pendingRebuild(s.db))?.rule).toEqual(next);
		expect((await auditRows(s.db, { action: 'trend_rule.update' })).length).toBe(1);

		await kickRebuilds(s.db);
		expect(await pendingRebuild(s.db)).toBeNull();
		expect(await getTrendRule(s.db)).toEqual(next);
		const data = await callLoad(rulePage.load, ruleEvent(u.admin));
		expect(data.form.data).toEqual(next);
		expect(data.rule).toEqual(next);
		const { dashboard: d } = await regionLoad(u.analyst, tree.county, '?kind=quarter');
		expect(d.baselinePeriod).toBe('2025-Q2');
		expect(d.rebounds.total).toBe(0);
	});
});
