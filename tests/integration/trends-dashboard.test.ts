// What the dashboard assembles for a region and a point from the kept figures: the range it
// shows by default, the trend, the child table, the rebound list with its evidence and the
// latest round's reporting rate.
import { describe, expect, it } from 'vitest';
import { loadDashboard } from '../../src/lib/server/trends/dashboard';
import { newRound, newTemplate } from '../helpers/factories';
import { meetingsDefinition, PLACE_POINTS, QUARTERS_2025, sent, useScenario } from '../helpers/scenario';

const definition = meetingsDefinition();
const answers = {
	village: [
		{ meetings_attended: 10, data_requests: 4 },
		// Far above its level in one period: the rule watches it (one period is not yet a rebound).
		sent(
			{ meetings_attended: 30, data_requests: 4 },
			{ notes: { meetings_attended: '换届选举期间会议集中' } }
		),
		sent({ meetings_attended: 3, data_requests: 1 }, { notes: { meetings_attended: '会议已合并' } })
	],
	community: [
		{ meetings_attended: 8, data_requests: 4 },
		{ meetings_attended: 6, data_requests: 3 }
	]
};

// Each test gets its own database with the same three quarters in it, so none depends on another.
const s = useScenario(
	{
		points: PLACE_POINTS,
		users: { analyst: ['analyst', 'province'], reviewer: ['reviewer', 'county'] },
		definition,
		quarters: QUARTERS_2025,
		answers,
		closeRounds: [0, 1]
	},
	{ fresh: 'each' }
);
const { tree, points, users } = s;

const county = (params = '', user = users.analyst) =>
	loadDashboard(s.db, user, { kind: 'region', code: tree.county }, new URLSearchParams(params));

describe('the trends dashboard', () => {
	it('ends at the last closed period by default, from the baseline', async () => {
		const d = await county();
		expect(d.kind).toBe('quarter');
		expect(d.shown.map((p) => p.key)).toEqual(['2025-Q1', '2025-Q2']);
		expect(d.periods.map((p) => p.key)).toEqual(['2025-Q1', '2025-Q2', '2025-Q3']);
		expect(d.baselinePeriod).toBe('2025-Q1');
		const meetings = d.trends.find((t) => t.indicator === 'meetings_attended')!;
		expect(meetings.values.map((v) => v.value)).toEqual([9, 18]);
		expect(meetings).toMatchObject({
			latest: { period: '2025-Q2', value: 18 },
			previous: { period: '2025-Q1', value: 9 },
			baseline: { period: '2025-Q1', value: 9 },
			verdict: 'worse',
			rebounding: 0,
			watching: 1,
			holding: 1
		});
		expect(d.overall).toEqual({ period: '2025-Q2', holding: 1, watching: 1, rebounding: 0, points: 2 });
	});

	it('shows the open period when asked, and ignores nonsense in the query', async () => {
		const d = await county('to=2025-Q3&i=meetings_attended,bogus&kind=decade');
		expect(d.shown.map((p) => p.key)).toEqual(['2025-Q1', '2025-Q2', '2025-Q3']);
		expect(d.selected).toEqual(['meetings_attended']);
		const meetings = d.trends.find((t) => t.indicator === 'meetings_attended')!;
		expect(meetings.latest).toEqual({ period: '2025-Q3', value: 3 });
		const backwards = await county('from=2025-Q3&to=2025-Q1');
		expect(backwards.shown.map((p) => p.key)).toEqual(['2025-Q1']);
	});

	it('lists the flagged point once, with why and the answer that shows it', async () => {
		const d = await county();
		expect(d.rebounds).toMatchObject({ total: 0, watching: 1 });
		expect(d.rebounds.rows).toHaveLength(1);
		expect(d.rebounds.rows[0]).toMatchObject({
			pointId: points.village.id,
			pointName: '红花村委会',
			period: '2025-Q2',
			status: 'watch',
			flags: [
				{
					indicator: 'meetings_attended',
					status: 'watch',
					reason: 'spike',
					value: 30,
					level: 10,
					evidence: 'answer',
					evidenceHref: `/submissions/${s.submissions.village[1]}#item-meetings_attended`
				}
			]
		});
	});

	it('tabulates child regions, and a township its points', async () => {
		const d = await county('i=meetings_attended');
		expect(d.children).toEqual([
			expect.objectContaining({
				code: tree.township,
				href: `/trends/${tree.township}`,
				latest: 18,
				vsBaseline: 9,
				vsPrevious: 9,
				watching: 1,
				rebounding: 0,
				status: 'watch'
			})
		]);
		const township = await loadDashboard(
			s.db,
			users.analyst,
			{ kind: 'region', code: tree.township },
			new URLSearchParams('i=meetings_attended')
		);
		expect(township.children.map((c) => [c.name, c.pointId, c.latest, c.status])).toEqual([
			['红花村委会', points.village.id, 30, 'watch'],
			['满春社区居委会', points.community.id, 6, 'holding']
		]);
		expect(township.children[0].href).toBe(`/trends/points/${points.village.id}`);
	});

	it("gives a point's own trend and rebounds, with breadcrumbs down to it", async () => {
		const d = await loadDashboard(
			s.db,
			users.reviewer,
			{ kind: 'point', pointId: points.community.id },
			new URLSearchParams()
		);
		expect(d.scope).toMatchObject({ kind: 'point', pointId: points.community.id, name: '满春社区居委会' });
		expect(d.rebounds.total).toBe(0);
		expect(d.trends.find((t) => t.indicator === 'meetings_attended')!.values.map((v) => v.value)).toEqual([
			8, 6
		]);
		// The reviewer's own county and below are links; the province and city above are not.
		expect(d.breadcrumbs.map((c) => c.href)).toEqual([
			null,
			null,
			`/trends/${tree.county}`,
			`/trends/${tree.township}`,
			`/trends/points/${points.community.id}`
		]);
	});

	it("reports the latest round's reporting rate within the region", async () => {
		const d = await county();
		expect(d.reporting).toMatchObject({ roundName: '2025-Q3轮次', targets: 2, accepted: 1, missing: 1 });
	});

	it('keeps the quarterly view when a monthly round is opened ahead of time', async () => {
		const { versionId } = await newTemplate(s.db, definition, '月度试点清单');
		await newRound(s.db, versionId, {
			name: '2031年5月试点',
			periodKind: 'month',
			period: '2031-05',
			opensOn: '2031-05-01',
			dueOn: '2031-06-10'
		});
		const d = await county();
		expect(d.kinds).toEqual(expect.arrayContaining(['quarter', 'month']));
		expect(d.kind).toBe('quarter');
		expect(d.rebounds.watching).toBe(1);
		expect((await county('kind=month')).shown.map((p) => p.key)).toEqual(['2031-05']);
	});
});
