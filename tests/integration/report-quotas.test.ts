// Quotas on queued reports, through the real actions and handlers: a reader cannot flood the
// shared queue, a repeat request gets the pending report rather than a new one, old files are
// deleted after the retention period the admin sets, and that setting is validated and audited.
import fs from 'node:fs';
import path from 'node:path';
import { isHttpError, isRedirect, type ActionFailure } from '@sveltejs/kit';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { PublicUser } from '../../src/lib/domain/roles';
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
import { callAction, callLoad, makeEvent, thrownBy, useLocale } from '../helpers/event';
import { auditRows } from '../helpers/factories';
import { meetingsDefinition, QUARTERS_2025, useScenario } from '../helpers/scenario';

// The worker waits at the first document until a test opens the gate, so requests made meanwhile
// stay pending however fast generation would be. Each test starts with the gate shut.
const gate = vi.hoisted(() => {
	const state = {
		wait: Promise.resolve() as Promise<void>,
		open: () => {},
		shut: () => {
			state.wait = new Promise<void>((resolve) => (state.open = resolve));
		}
	};
	state.shut();
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

// Each test gets its own database and report folder; the gate opens before either closes.
const s = useScenario(
	{
		points: { point: 'village' },
		users: {
			flooder: ['analyst', 'city'],
			colleague: ['analyst', 'city'],
			reviewer: ['reviewer', 'county'],
			admin: 'admin'
		},
		definition: meetingsDefinition([], { omit: ['data_requests'] }),
		quarters: QUARTERS_2025.slice(1),
		answers: (_point, i) => ({ meetings_attended: 3 + i }),
		tempDirs: { REPORT_DIR: 'jfgc-quotas-' },
		beforeClose: async (db) => {
			gate.open();
			await kickReports(db);
		}
	},
	{ fresh: 'each' }
);
const { tree, users: u } = s;
beforeEach(() => gate.shut());

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
const reportRows = () => s.db.selectFrom('reports').selectAll().orderBy('id').execute();

/** The report a request redirected to, and whether it was an existing one. */
async function redirectedTo(run: () => unknown): Promise<{ id: number; repeated: boolean }> {
	const e = await thrownBy(run);
	if (!isRedirect(e)) throw new Error(`expected a redirect, got ${JSON.stringify(e)}`);
	expect(e.status).toBe(303);
	const match = /^\/reports\/(\d+)(\?pending=1)?$/.exec(e.location);
	if (!match) throw new Error(`unexpected redirect to ${e.location}`);
	return { id: Number(match[1]), repeated: !!match[2] };
}

/** The flooder's three pending reports, one per issuer. */
async function flood(): Promise<number[]> {
	const flooded: number[] = [];
	for (const issuer of ['减负办一', '减负办二', '减负办三']) {
		const { id, repeated } = await redirectedTo(() => ask(u.flooder, { issuer }));
		expect(repeated).toBe(false);
		flooded.push(id);
	}
	return flooded;
}

/** Those three, written: the gate open and the worker done. */
async function finished(): Promise<number[]> {
	const flooded = await flood();
	gate.open();
	await kickReports(s.db);
	return flooded;
}

describe('the pending limits', () => {
	it('refuse a reader’s 4th pending report by the form with a 429, queuing nothing', async () => {
		const before = await listLoad(u.flooder);
		expect(before.limits).toMatchObject({ perUser: 3, perRegion: 10, retentionDays: 30, mine: 0 });
		const flooded = await flood();
		const refused = (await ask(u.flooder, { issuer: '减负办四' })) as FormFailure;
		expect(refused.status).toBe(429);
		expect(refused.data.form.errors._errors?.[0]).toBe(
			'您已有 3 份报告在排队或生成中，已达上限。请等其中一份完成后再提交。'
		);
		// Another quarter, another language: still refused.
		expect(((await ask(u.flooder, { quarter: '2025-Q2', locale: 'en' })) as FormFailure).status).toBe(429);
		const rows = await reportRows();
		expect(rows.map((r) => r.id)).toEqual(flooded);
		expect(rows.every((r) => r.status === 'queued' || r.status === 'running')).toBe(true);
		expect((await auditRows(s.db, { action: 'report.create' })).length).toBe(3);
		const after = await listLoad(u.flooder);
		expect(after.limits).toMatchObject({ mine: 3, byRegion: { [tree.city]: 3, [tree.county]: 0 } });
	});

	it('answer a repeat of a pending report with that report, whoever asks, even at the limit', async () => {
		const flooded = await flood();
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
		// The flooder's three and the colleague's English one are pending.
		await flood();
		await redirectedTo(() => ask(u.colleague, { issuer: '减负办一', locale: 'en' }));
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
		expect(refused.data.form.errors._errors?.[0]).toBe(
			'该地区已有 5 份报告在排队或生成中，已达上限。请稍后再试。'
		);
		// Another region still has room.
		await redirectedTo(() => ask(u.reviewer, { regionCode: tree.county }));
		expect((await reportRows()).length).toBe(6);
	});

	it('free up as reports finish', async () => {
		await flood();
		gate.open();
		await kickReports(s.db);
		expect((await reportRows()).every((r) => r.status === 'done')).toBe(true);
		expect((await listLoad(u.flooder)).limits.mine).toBe(0);
		await redirectedTo(() => ask(u.flooder, { issuer: '减负办四' }));
		await kickReports(s.db);
	});
});

describe('retention', () => {
	const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
	const age = (id: number, days: number) =>
		s.db
			.updateTable('reports')
			.set({ finished_at: daysAgo(days) })
			.where('id', '=', id)
			.execute();
	const statusOf = async (id: number) =>
		(
			await s.db
				.selectFrom('reports')
				.select(['status', 'files'])
				.where('id', '=', id)
				.executeTakeFirstOrThrow()
		).status;

	it('at start-up, deletes files older than the retention period; their downloads answer 410', async () => {
		const [old, recent] = await finished();
		await age(old, 31);
		await age(recent, 29);
		expect((await download(u.flooder, old)).status).toBe(200);
		await resumeReports(s.db);
		expect(fs.existsSync(path.join(s.dirs.REPORT_DIR, String(old)))).toBe(false);
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
		const [, recent] = await finished();
		await age(recent, 45);
		await redirectedTo(() => ask(u.flooder, { quarter: '2025-Q2' }));
		await kickReports(s.db);
		expect(await statusOf(recent)).toBe('expired');
		expect(fs.existsSync(path.join(s.dirs.REPORT_DIR, String(recent)))).toBe(false);
	});
});

describe('the report settings page', () => {
	const settingsEvent = (user: PublicUser, form?: Record<string, string>) =>
		makeEvent({ user, url: '/admin/reports-settings', form });
	const save = (form: Record<string, string>) =>
		callAction(settingsPage.actions.save, settingsEvent(u.admin, form));
	const good = { perUser: '3', perRegion: '5', retentionDays: '30' };
	// The region cap lowered to 5, as an admin would have set it.
	beforeEach(() => save(good));

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
		const audited = (await auditRows(s.db, { action: 'report_settings.update' })).length;
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
		expect(await getReportSettings(s.db)).toEqual({ perUser: 3, perRegion: 5, retentionDays: 30 });
		expect((await auditRows(s.db, { action: 'report_settings.update' })).length).toBe(audited);
	});

	it('saves and audits a shorter retention, which applies at once', async () => {
		await finished();
		const done = (await reportRows()).filter((r) => r.status === 'done');
		expect(done.length).toBeGreaterThan(0);
		await s.db
			.updateTable('reports')
			.set({ finished_at: new Date(Date.now() - 10 * 86_400_000).toISOString() })
			.where('id', '=', done[0].id)
			.execute();
		const result = (await save({ ...good, retentionDays: '7', perUser: '2' })) as {
			form: { valid: boolean; message?: string };
		};
		expect(result.form).toMatchObject({ valid: true, message: '设置已保存。' });
		expect(await getReportSettings(s.db)).toEqual({ perUser: 2, perRegion: 5, retentionDays: 7 });
		const rows = await auditRows(s.db, { action: 'report_settings.update' });
		const last = rows.at(-1)!;
		expect(last).toMatchObject({ user_id: u.admin.id, entity_type: 'report_settings' });
		expect(JSON.parse(last.changes!)).toEqual({ perUser: [3, 2], retentionDays: [30, 7] });
		expect((await callLoad(settingsPage.load, settingsEvent(u.admin))).history[0].action).toBe(
			'report_settings.update'
		);
		expect(
			(
				await s.db
					.selectFrom('reports')
					.select('status')
					.where('id', '=', done[0].id)
					.executeTakeFirstOrThrow()
			).status
		).toBe('expired');
		expect((await listLoad(u.flooder)).limits).toMatchObject({ perUser: 2, retentionDays: 7 });
		expect(await expireReports(s.db)).toBe(0);
	});
});
