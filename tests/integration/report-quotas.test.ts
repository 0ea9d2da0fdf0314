// Quotas on queued reports, through the real actions and handlers: a reader cannot flood the
// shared queue, a repeat request gets the pending report rather than a new one, old files are
// deleted after the retention period the admin sets, and that setting is validated and audited.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isHttpError, isRedirect, type ActionFailure } from '@sveltejs/kit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChecklistDefinition } from '../../src/lib/domain/checklist';
import type { PublicUser } from '../../src/lib/domain/roles';
import type { Db } from '../../src/lib/server/db';
import {
	expireReports,
	getReportSettings,
	kickReports,
	resumeReports,
	type ReportListItem
} from '../../src/lib/server/reports/reports.service';
import * as settingsPage from '../../src/routes/(app)/admin/reports-settings/+page.server';
import * as listPage from '../../src/routes/(app)/reports/+page.server';
import * as reportPage from '../../src/routes/(app)/reports/[id=id]/+page.server';
import * as fileApi from '../../src/routes/(app)/reports/[id=id]/files/[kind]/+server';
import { freshDatabase } from '../helpers/db';
import { callAction, callLoad, makeEvent, thrownBy, useLocale } from '../helpers/event';
import {
	auditRows,
	newPoint,
	newRegionTree,
	newRound,
	newSubmission,
	newTemplate,
	newUser,
	type RegionTree
} from '../helpers/factories';

// The worker waits at the first document until a test opens the gate, so requests made meanwhile
// stay pending however fast generation would be.
const gate = vi.hoisted(() => {
	let open: () => void = () => {};
	const state = { wait: Promise.resolve() as Promise<void>, open: () => open() };
	state.wait = new Promise<void>((resolve) => (open = resolve));
	return state;
});
vi.mock('../../src/lib/server/reports/report-docx', async (original) => {
	const real = await original<typeof import('../../src/lib/server/reports/report-docx')>();
	return {
		...real,
		reportDocx: async (...args: Parameters<typeof real.reportDocx>) => {
			await gate.wait;
			return real.reportDocx(...args);
		}
	};
});

useLocale('zh');

const definition: ChecklistDefinition = {
	sections: [
		{
			key: 'meetings',
			title: '会议',
			items: [
				{ key: 'meetings_attended', kind: 'count', label: '参加上级会议几次？', required: true, max: 1000 }
			]
		}
	]
};

let db: Db;
let close: () => Promise<void>;
let tree: RegionTree;
let reportDir: string;
let previousReportDir: string | undefined;
const u = {} as Record<'flooder' | 'colleague' | 'reviewer' | 'admin', PublicUser>;

beforeAll(async () => {
	previousReportDir = process.env.REPORT_DIR;
	reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jfgc-quotas-'));
	process.env.REPORT_DIR = reportDir;
	({ db, close } = await freshDatabase());
	tree = await newRegionTree(db);
	const point = await newPoint(db, tree.village);
	u.flooder = await newUser(db, 'analyst', tree.city);
	u.colleague = await newUser(db, 'analyst', tree.city);
	u.reviewer = await newUser(db, 'reviewer', tree.county);
	u.admin = await newUser(db, 'admin');
	const { versionId } = await newTemplate(db, definition);
	for (const [i, q] of [
		{ period: '2025-Q2', opensOn: '2025-04-01', dueOn: '2025-07-10' },
		{ period: '2025-Q3', opensOn: '2025-07-01', dueOn: '2025-10-10' }
	].entries()) {
		const round = await newRound(db, versionId, { name: `${q.period}轮次`, periodKind: 'quarter', ...q });
		await newSubmission(db, round, point.id, { meetings_attended: 3 + i });
	}
});
afterAll(async () => {
	gate.open();
	await kickReports(db);
	await close();
	fs.rmSync(reportDir, { recursive: true, force: true });
	if (previousReportDir === undefined) delete process.env.REPORT_DIR;
	else process.env.REPORT_DIR = previousReportDir;
});

type FormFailure = ActionFailure<{
	form: { message?: string; errors: Record<string, string[] | undefined> };
}>;
interface ListData {
	reports: ReportListItem[];
	limits: {
		perUser: number;
		perRegion: number;
		retentionDays: number;
		mine: number;
		byRegion: Record<string, number>;
	};
}

const ask = (user: PublicUser, form: Partial<Record<string, string>> = {}) =>
	callAction(
		listPage.actions.default,
		makeEvent({
			user,
			url: '/reports',
			form: { regionCode: tree.city, quarter: '2025-Q3', issuer: '', locale: 'zh', ...form } as Record<
				string,
				string
			>
		})
	);
const listLoad = async (user: PublicUser) =>
	(await callLoad(listPage.load, makeEvent({ user, url: '/reports' }))) as unknown as ListData;
const download = async (user: PublicUser, id: number, kind = 'docx') =>
	(await fileApi.GET(
		makeEvent({ user, params: { id: String(id), kind }, url: `/reports/${id}/files/${kind}` }) as never
	)) as Response;
const reportRows = () => db.selectFrom('reports').selectAll().orderBy('id').execute();

/** The report a request redirected to, and whether it was an existing one. */
async function redirectedTo(run: () => unknown): Promise<{ id: number; repeated: boolean }> {
	const e = await thrownBy(run);
	if (!isRedirect(e)) throw new Error(`expected a redirect, got ${JSON.stringify(e)}`);
	expect(e.status).toBe(303);
	const match = /^\/reports\/(\d+)(\?pending=1)?$/.exec(e.location);
	if (!match) throw new Error(`unexpected redirect to ${e.location}`);
	return { id: Number(match[1]), repeated: !!match[2] };
}

const flooded: number[] = [];

describe('the pending limits', () => {
	it('refuse a reader’s 4th pending report by the form with a 429, queuing nothing', async () => {
		const before = await listLoad(u.flooder);
		expect(before.limits).toMatchObject({ perUser: 3, perRegion: 10, retentionDays: 30, mine: 0 });
		for (const issuer of ['减负办一', '减负办二', '减负办三']) {
			const { id, repeated } = await redirectedTo(() => ask(u.flooder, { issuer }));
			expect(repeated).toBe(false);
			flooded.push(id);
		}
		const refused = (await ask(u.flooder, { issuer: '减负办四' })) as FormFailure;
		expect(refused.status).toBe(429);
		expect(refused.data.form.message).toBe(
			'您已有 3 份报告在排队或生成中，已达上限。请等其中一份完成后再提交。'
		);
		// Another quarter, another language: still refused.
		expect(((await ask(u.flooder, { quarter: '2025-Q2', locale: 'en' })) as FormFailure).status).toBe(429);
		const rows = await reportRows();
		expect(rows.map((r) => r.id)).toEqual(flooded);
		expect(rows.every((r) => r.status === 'queued' || r.status === 'running')).toBe(true);
		expect((await auditRows(db, { action: 'report.create' })).length).toBe(3);
		const after = await listLoad(u.flooder);
		expect(after.limits).toMatchObject({ mine: 3, byRegion: { [tree.city]: 3, [tree.county]: 0 } });
	});

	it('answer a repeat of a pending report with that report, whoever asks, even at the limit', async () => {
		const again = await redirectedTo(() => ask(u.flooder, { issuer: '减负办二' }));
		expect(again).toEqual({ id: flooded[1], repeated: true });
		const colleague = await redirectedTo(() => ask(u.colleague, { issuer: '减负办一' }));
		expect(colleague).toEqual({ id: flooded[0], repeated: true });
		expect((await reportRows()).length).toBe(3);
		const page = await callLoad(
			reportPage.load,
			makeEvent({
				user: u.colleague,
				params: { id: String(flooded[0]) },
				url: `/reports/${flooded[0]}?pending=1`
			})
		);
		expect(page.repeated).toBe(true);
		// Other options make another report.
		const other = await redirectedTo(() => ask(u.colleague, { issuer: '减负办一', locale: 'en' }));
		expect(other.repeated).toBe(false);
		expect((await reportRows()).length).toBe(4);
	});

	it('cap a region’s pending reports, whoever asks', async () => {
		await callAction(
			settingsPage.actions.save,
			makeEvent({
				user: u.admin,
				url: '/admin/reports-settings',
				form: { perUser: '3', perRegion: '5', retentionDays: '30' }
			})
		);
		await redirectedTo(() => ask(u.colleague, { issuer: '另一单位' }));
		const refused = (await ask(u.colleague, { issuer: '第三个单位' })) as FormFailure;
		expect(refused.status).toBe(429);
		expect(refused.data.form.message).toBe('该地区已有 5 份报告在排队或生成中，已达上限。请稍后再试。');
		// Another region still has room.
		await redirectedTo(() => ask(u.reviewer, { regionCode: tree.county }));
		expect((await reportRows()).length).toBe(6);
	});

	it('free up as reports finish', async () => {
		gate.open();
		await kickReports(db);
		expect((await reportRows()).every((r) => r.status === 'done')).toBe(true);
		expect((await listLoad(u.flooder)).limits.mine).toBe(0);
		await redirectedTo(() => ask(u.flooder, { issuer: '减负办四' }));
		await kickReports(db);
	});
});

describe('retention', () => {
	const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
	const age = (id: number, days: number) =>
		db
			.updateTable('reports')
			.set({ finished_at: daysAgo(days) })
			.where('id', '=', id)
			.execute();
	const statusOf = async (id: number) =>
		(
			await db
				.selectFrom('reports')
				.select(['status', 'files'])
				.where('id', '=', id)
				.executeTakeFirstOrThrow()
		).status;

	it('at start-up, deletes files older than the retention period; their downloads answer 410', async () => {
		const [old, recent] = flooded;
		await age(old, 31);
		await age(recent, 29);
		expect((await download(u.flooder, old)).status).toBe(200);
		await resumeReports(db);
		expect(fs.existsSync(path.join(reportDir, String(old)))).toBe(false);
		expect(await statusOf(old)).toBe('expired');
		for (const kind of ['docx', 'xlsx', 'csv']) {
			const gone = await thrownBy(() => download(u.flooder, old, kind));
			expect(isHttpError(gone, 410), kind).toBe(true);
			expect((gone as { body: { message: string } }).body.message).toBe(
				'该报告的文件已过期删除，请重新生成报告。'
			);
		}
		// Not a report file: still 404.
		expect(isHttpError(await thrownBy(() => download(u.flooder, old, 'pdf')), 404)).toBe(true);
		expect(await statusOf(recent)).toBe('done');
		expect((await download(u.flooder, recent)).status).toBe(200);
		const listed = (await listLoad(u.flooder)).reports.find((r) => r.id === old)!;
		expect(listed).toMatchObject({ status: 'expired', files: {} });
	});

	it('runs again after each finished report', async () => {
		const [, recent] = flooded;
		await age(recent, 45);
		await redirectedTo(() => ask(u.flooder, { quarter: '2025-Q2' }));
		await kickReports(db);
		expect(await statusOf(recent)).toBe('expired');
		expect(fs.existsSync(path.join(reportDir, String(recent)))).toBe(false);
	});
});

describe('the report settings page', () => {
	const settingsEvent = (user: PublicUser, form?: Record<string, string>) =>
		makeEvent({ user, url: '/admin/reports-settings', form });
	const save = (form: Record<string, string>) =>
		callAction(settingsPage.actions.save, settingsEvent(u.admin, form));
	const good = { perUser: '3', perRegion: '5', retentionDays: '30' };

	it('is for admins only', async () => {
		expect(isHttpError(await thrownBy(() => settingsPage.load(settingsEvent(u.flooder) as never)), 404)).toBe(
			true
		);
		expect(
			isHttpError(
				await thrownBy(() => settingsPage.actions.save(settingsEvent(u.flooder, good) as never)),
				404
			)
		).toBe(true);
		const data = await callLoad(settingsPage.load, settingsEvent(u.admin));
		expect(data.form.data).toEqual({ perUser: 3, perRegion: 5, retentionDays: 30 });
	});

	it('refuses a bad number beside its field, changing nothing', async () => {
		const audited = (await auditRows(db, { action: 'report_settings.update' })).length;
		for (const [field, value] of [
			['retentionDays', '0'],
			['retentionDays', 'abc'],
			['retentionDays', '1.5'],
			['retentionDays', '100000'],
			['perUser', '-1'],
			['perRegion', '']
		] as const) {
			const bad = (await save({ ...good, [field]: value })) as FormFailure;
			expect(bad.status, `${field}=${value}`).toBe(400);
			expect(bad.data.form.errors[field]?.[0], `${field}=${value}`).toMatch(/^请输入 1 到 \d+ 之间的整数。$/);
		}
		expect(await getReportSettings(db)).toEqual({ perUser: 3, perRegion: 5, retentionDays: 30 });
		expect((await auditRows(db, { action: 'report_settings.update' })).length).toBe(audited);
	});

	it('saves and audits a shorter retention, which applies at once', async () => {
		const done = (await reportRows()).filter((r) => r.status === 'done');
		expect(done.length).toBeGreaterThan(0);
		await db
			.updateTable('reports')
			.set({ finished_at: new Date(Date.now() - 10 * 86_400_000).toISOString() })
			.where('id', '=', done[0].id)
			.execute();
		const result = (await save({ ...good, retentionDays: '7', perUser: '2' })) as {
			form: { valid: boolean; message?: string };
		};
		expect(result.form).toMatchObject({ valid: true, message: '设置已保存。' });
		expect(await getReportSettings(db)).toEqual({ perUser: 2, perRegion: 5, retentionDays: 7 });
		const rows = await auditRows(db, { action: 'report_settings.update' });
		const last = rows.at(-1)!;
		expect(last).toMatchObject({ user_id: u.admin.id, entity_type: 'report_settings' });
		expect(JSON.parse(last.changes!)).toEqual({ perUser: [3, 2], retentionDays: [30, 7] });
		expect((await callLoad(settingsPage.load, settingsEvent(u.admin))).history[0].action).toBe(
			'report_settings.update'
		);
		expect(
			(await db.selectFrom('reports').select('status').where('id', '=', done[0].id).executeTakeFirstOrThrow())
				.status
		).toBe('expired');
		expect((await listLoad(u.flooder)).limits).toMatchObject({ perUser: 2, retentionDays: 7 });
		expect(await expireReports(db)).toBe(0);
	});
});
