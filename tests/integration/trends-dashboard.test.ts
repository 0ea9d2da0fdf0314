// What the dashboard assembles for a region and a point from the kept figures: the range it
// shows by default, the trend, the child table, the rebound list with its evidence and the
// latest round's reporting rate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChecklistDefinition } from '../../src/lib/domain/checklist';
import type { PublicUser } from '../../src/lib/domain/roles';
import { closeRound } from '../../src/lib/server/checklists/rounds.service';
import type { Db } from '../../src/lib/server/db';
import { loadDashboard } from '../../src/lib/server/trends/dashboard';
import { freshDatabase } from '../helpers/db';
import {
	newPoint,
	newRegionTree,
	newRound,
	newSubmission,
	newTemplate,
	newUser,
	type PointRef,
	type RegionTree
} from '../helpers/factories';

const definition: ChecklistDefinition = {
	sections: [
		{
			key: 'meetings',
			title: '会议',
			items: [
				{ key: 'meetings_attended', kind: 'count', label: '会议几次？', required: true, max: 1000 },
				{ key: 'data_requests', kind: 'count', label: '填表几次？', required: true, max: 1000 }
			]
		}
	]
};

let db: Db;
let close: () => Promise<void>;
let tree: RegionTree;
let village: PointRef;
let community: PointRef;
let analyst: PublicUser;
let reviewer: PublicUser;
let rebounded: number;

beforeAll(async () => {
	({ db, close } = await freshDatabase());
	tree = await newRegionTree(db);
	village = await newPoint(db, tree.village);
	community = await newPoint(db, tree.community, 'community');
	await newPoint(db, tree.otherVillage);
	const { versionId } = await newTemplate(db, definition);
	const rounds: number[] = [];
	for (const [period, opensOn, dueOn] of [
		['2025-Q1', '2025-01-01', '2025-04-10'],
		['2025-Q2', '2025-04-01', '2025-07-10'],
		['2025-Q3', '2025-07-01', '2025-10-10']
	])
		rounds.push(
			await newRound(db, versionId, { name: `${period}轮次`, periodKind: 'quarter', period, opensOn, dueOn })
		);
	await newSubmission(db, rounds[0], village.id, { meetings_attended: 10, data_requests: 4 });
	await newSubmission(db, rounds[0], community.id, { meetings_attended: 8, data_requests: 4 });
	// Far above its level in one period: the rule watches it (one period is not yet a rebound).
	rebounded = await newSubmission(
		db,
		rounds[1],
		village.id,
		{ meetings_attended: 30, data_requests: 4 },
		{ notes: { meetings_attended: '换届选举期间会议集中' } }
	);
	await newSubmission(db, rounds[1], community.id, { meetings_attended: 6, data_requests: 3 });
	await newSubmission(
		db,
		rounds[2],
		village.id,
		{ meetings_attended: 3, data_requests: 1 },
		{ notes: { meetings_attended: '会议已合并' } }
	);
	await closeRound(db, null, rounds[0]);
	await closeRound(db, null, rounds[1]);
	analyst = await newUser(db, 'analyst', tree.province);
	reviewer = await newUser(db, 'reviewer', tree.county);
});
afterAll(() => close());

const county = (params = '', user = analyst) =>
	loadDashboard(db, user, { kind: 'region', code: tree.county }, new URLSearchParams(params));

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
			pointId: village.id,
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
					evidenceHref: `/submissions/${rebounded}#item-meetings_attended`
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
			db,
			analyst,
			{ kind: 'region', code: tree.township },
			new URLSearchParams('i=meetings_attended')
		);
		expect(township.children.map((c) => [c.name, c.pointId, c.latest, c.status])).toEqual([
			['红花村委会', village.id, 30, 'watch'],
			['满春社区居委会', community.id, 6, 'holding']
		]);
		expect(township.children[0].href).toBe(`/trends/points/${village.id}`);
	});

	it("gives a point's own trend and rebounds, with breadcrumbs down to it", async () => {
		const d = await loadDashboard(
			db,
			reviewer,
			{ kind: 'point', pointId: community.id },
			new URLSearchParams()
		);
		expect(d.scope).toMatchObject({ kind: 'point', pointId: community.id, name: '满春社区居委会' });
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
			`/trends/points/${community.id}`
		]);
	});

	it("reports the latest round's reporting rate within the region", async () => {
		const d = await county();
		expect(d.reporting).toMatchObject({ roundName: '2025-Q3轮次', targets: 2, accepted: 1, missing: 1 });
	});

	// Last: it adds a round.
	it('keeps the quarterly view when a monthly round is opened ahead of time', async () => {
		const { versionId } = await newTemplate(db, definition, '月度试点清单');
		await newRound(db, versionId, {
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
