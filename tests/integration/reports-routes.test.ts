// The quarterly report pages and endpoints through their real load functions, actions and
// handlers: readers ask for a report within their scope, the worker writes the files, the status
// and file endpoints serve them, and anyone outside the report's region gets a 404.
import fs from 'node:fs';
import path from 'node:path';
import { isHttpError, isRedirect, type ActionFailure } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import type { PublicUser } from '../../src/lib/domain/roles';
import {
	kickReports,
	requestReport,
	type ReportListItem
} from '../../src/lib/server/reports/reports.service';
import * as listPage from '../../src/routes/(app)/reports/+page.server';
import * as reportPage from '../../src/routes/(app)/reports/[id=id]/+page.server';
import * as fileApi from '../../src/routes/(app)/reports/[id=id]/files/[kind]/+server';
import * as statusApi from '../../src/routes/(app)/reports/[id=id]/status/+server';
import * as printPage from '../../src/routes/(app)/reports/print/+page.server';
import { callAction, callLoad, makeEvent, thrownBy, useLocale } from '../helpers/event';
import { newUser } from '../helpers/factories';
import { meetingsDefinition, MEETINGS_WORLD, useScenario } from '../helpers/scenario';

useLocale('zh');

const BURDEN = '=1+1 县里又要<b>"迎检"</b>材料 🙂';
const meetings = { own: [3, 2, 3], neighbour: [4, 4, 4], far: [1, 1, 1] } as const;

// Each test gets its own database (and report folder), so none depends on another's reports.
const s = useScenario(
	{
		...MEETINGS_WORLD,
		definition: meetingsDefinition([
			{ key: 'heaviest_burden', kind: 'long_text', label: '本期最重的新负担是什么？', required: false }
		]),
		answers: (point, i) => ({
			meetings_attended: meetings[point][i],
			data_requests: 2,
			// Text that must not break the HTML, the document or the workbook.
			...(point === 'own' && i === 2 ? { heaviest_burden: BURDEN } : {})
		}),
		closeRounds: [0, 1],
		tempDirs: { REPORT_DIR: 'jfgc-reports-' },
		beforeClose: kickReports
	},
	{ fresh: 'each' }
);
const { tree, users: u } = s;

const is404 = (e: unknown) => isHttpError(e, 404);
interface ListData {
	regions: { code: string; name: string; level: number }[];
	quarters: string[];
	reports: ReportListItem[];
	prints: Record<number, string>;
	form: { data: Record<string, string> };
}
const listLoad = async (user: PublicUser | null) =>
	(await callLoad(listPage.load, makeEvent({ user, url: '/reports' }))) as ListData;
const post = (user: PublicUser, form: Record<string, string>) =>
	callAction(listPage.actions.default, makeEvent({ user, url: '/reports', form }));
const reportLoad = (user: PublicUser | null, id: number) =>
	callLoad(reportPage.load, makeEvent({ user, params: { id: String(id) }, url: `/reports/${id}` }));
const status = async (user: PublicUser | null, id: number) =>
	(await statusApi.GET(
		makeEvent({ user, params: { id: String(id) }, url: `/reports/${id}/status` }) as never
	)) as Response;
const file = async (user: PublicUser | null, id: number, kind: string) =>
	(await fileApi.GET(
		makeEvent({ user, params: { id: String(id), kind }, url: `/reports/${id}/files/${kind}` }) as never
	)) as Response;

async function requested(run: () => unknown): Promise<number> {
	const e = await thrownBy(run);
	if (!isRedirect(e)) throw new Error(`expected a redirect, got ${JSON.stringify(e)}`);
	expect(e.status).toBe(303);
	const match = /^\/reports\/(\d+)$/.exec(e.location);
	if (!match) throw new Error(`unexpected redirect to ${e.location}`);
	return Number(match[1]);
}

type FormFailure = ActionFailure<{ form: { errors: Record<string, string[] | undefined> } }>;

describe('the report form', () => {
	it('answers 404 to staff, on the page and the action', async () => {
		expect(is404(await thrownBy(() => listLoad(u.staff)))).toBe(true);
		expect(
			is404(
				await thrownBy(() =>
					post(u.staff, { regionCode: tree.village, quarter: '2025-Q3', issuer: '', locale: 'zh' })
				)
			)
		).toBe(true);
		expect(isRedirect(await thrownBy(() => listLoad(null)))).toBe(true);
	});

	it('offers an analyst their region and counties, and the quarters with data, newest first', async () => {
		const data = await listLoad(u.analyst);
		expect(data.regions.map((r) => r.code)).toEqual([tree.city, tree.county, tree.otherCounty]);
		expect(data.quarters).toEqual(['2025-Q3', '2025-Q2', '2025-Q1']);
		expect(data.form.data).toMatchObject({ regionCode: tree.city, quarter: '2025-Q3', locale: 'zh' });
		const admin = await listLoad(u.admin);
		expect(admin.regions.map((r) => r.code)).toEqual([
			tree.province,
			tree.city,
			tree.county,
			tree.otherCounty,
			tree.otherCity
		]);
		const reviewer = await listLoad(u.reviewer);
		expect(reviewer.regions.map((r) => r.code)).toEqual([tree.county]);
	});

	it('refuses a quarter without data and a region outside the scope, with the error by the field', async () => {
		const base = { regionCode: tree.city, quarter: '2025-Q3', issuer: '', locale: 'zh' };
		for (const [form, field] of [
			[{ ...base, quarter: '2024-Q1' }, 'quarter'],
			[{ ...base, quarter: 'Q3-2025' }, 'quarter'],
			[{ ...base, regionCode: tree.otherCity }, 'regionCode'],
			[{ ...base, regionCode: tree.province }, 'regionCode'],
			[{ ...base, regionCode: '999999' }, 'regionCode'],
			[{ ...base, issuer: '办'.repeat(201) }, 'issuer'],
			[{ ...base, locale: 'fr' }, 'locale']
		] as const) {
			const result = (await post(u.analyst, form)) as FormFailure;
			expect(result.status, JSON.stringify(form)).toBe(400);
			expect(result.data.form.errors[field]?.length, field).toBeGreaterThan(0);
		}
		const { n } = await s.db
			.selectFrom('reports')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow();
		expect(Number(n)).toBe(0);
	});
});

/** The analyst's report on the city for 2025-Q3, written by the worker. */
async function cityReport(): Promise<number> {
	const id = await requested(() =>
		post(u.analyst, { regionCode: tree.city, quarter: '2025-Q3', issuer: '', locale: 'zh' })
	);
	await kickReports(s.db);
	return id;
}

/** The reviewer's report on the county for 2025-Q2, in English. */
const countyRequest = () =>
	requested(() =>
		post(u.reviewer, { regionCode: tree.county, quarter: '2025-Q2', issuer: '兴庆区减负办', locale: 'en' })
	);

/** Both reports, written. */
async function bothReports(): Promise<{ id: number; countyReport: number }> {
	const id = await cityReport();
	const countyReport = await countyRequest();
	await kickReports(s.db);
	return { id, countyReport };
}

describe('a requested report', () => {
	it('is queued, then written by the worker, and the status endpoint says so', async () => {
		const id = await requested(() =>
			post(u.analyst, { regionCode: tree.city, quarter: '2025-Q3', issuer: '', locale: 'zh' })
		);
		const queued = await reportLoad(u.analyst, id);
		expect(queued.report).toMatchObject({ regionCode: tree.city, quarter: '2025-Q3' });
		expect(['queued', 'running', 'done']).toContain(queued.report.status);
		await kickReports(s.db);
		const res = await status(u.analyst, id);
		expect(res.status).toBe(200);
		expect(res.headers.get('cache-control')).toMatch(/no-store/);
		expect(await res.json()).toEqual({ status: 'done', progress: 100 });
		const done = await reportLoad(u.analyst, id);
		expect(done.report.title).toBe('银川市2025年第3季度基层减负观测情况报告');
		expect(done.report.files.docx).toBeGreaterThan(0);
		expect(done.print).toBe(`/reports/print?report=${id}`);
	});

	it('serves the Word, Excel and CSV files as attachments named after the title', async () => {
		const id = await cityReport();
		const title = encodeURIComponent('银川市2025年第3季度基层减负观测情况报告');
		for (const [kind, mime, magic] of [
			['docx', /wordprocessingml/, 'PK'],
			['xlsx', /spreadsheetml/, 'PK'],
			['csv', /^text\/csv/, '\ufeff']
		] as const) {
			const res = await file(u.analyst, id, kind);
			expect(res.status).toBe(200);
			expect(res.headers.get('content-type')).toMatch(mime);
			expect(res.headers.get('cache-control')).toBe('private, no-store');
			const disposition = res.headers.get('content-disposition')!;
			expect(disposition).toMatch(/^attachment; filename="[a-z]+\.[a-z]+"; filename\*=UTF-8''/);
			expect(disposition).toContain(title);
			expect(disposition.endsWith(`.${kind}`)).toBe(true);
			const bytes = Buffer.from(await res.arrayBuffer());
			expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
			expect(bytes.toString('utf8', 0, magic === 'PK' ? 2 : 3)).toBe(magic);
		}
		expect(is404(await thrownBy(() => file(u.analyst, id, 'pdf')))).toBe(true);
		expect(is404(await thrownBy(() => file(u.analyst, id, '..')))).toBe(true);
	});

	it('is listed with who made it, for readers whose scope holds its region', async () => {
		const id = await cityReport();
		const countyReport = await countyRequest();
		const analystList = await listLoad(u.analyst);
		expect(analystList.reports.map((r) => [r.id, r.createdBy])).toEqual([
			[countyReport, u.reviewer.name],
			[id, u.analyst.name]
		]);
		expect(analystList.prints[id]).toBe(`/reports/print?report=${id}`);
		const reviewerList = await listLoad(u.reviewer);
		expect(reviewerList.reports.map((r) => r.id)).toEqual([countyReport]);
		expect((await listLoad(u.farReviewer)).reports).toEqual([]);
		expect((await listLoad(u.admin)).reports.map((r) => r.id)).toEqual([countyReport, id]);
	});

	it('is a 404 for a reviewer of another county and for staff, on the page and every endpoint', async () => {
		const { id, countyReport } = await bothReports();
		for (const [user, report] of [
			[u.farReviewer, countyReport],
			[u.farReviewer, id],
			[u.reviewer, id],
			[u.staff, countyReport]
		] as const) {
			expect(is404(await thrownBy(() => reportLoad(user, report)))).toBe(true);
			expect(is404(await thrownBy(() => status(user, report)))).toBe(true);
			expect(is404(await thrownBy(() => file(user, report, 'docx')))).toBe(true);
		}
		expect(is404(await thrownBy(() => reportLoad(u.analyst, 999_999)))).toBe(true);
		expect((await status(null, id)).status).toBe(401);
		expect(isRedirect(await thrownBy(() => file(null, id, 'docx')))).toBe(true);
	});

	it('serves no file before the report is done', async () => {
		const { countyReport } = await bothReports();
		await s.db
			.updateTable('reports')
			.set({ status: 'running', progress: 40 })
			.where('id', '=', countyReport)
			.execute();
		expect(await (await status(u.reviewer, countyReport)).json()).toEqual({
			status: 'running',
			progress: 40
		});
		expect(is404(await thrownBy(() => file(u.reviewer, countyReport, 'docx')))).toBe(true);
		await s.db
			.updateTable('reports')
			.set({ status: 'queued', progress: 0 })
			.where('id', '=', countyReport)
			.execute();
		await kickReports(s.db);
		expect((await file(u.reviewer, countyReport, 'docx')).status).toBe(200);
	});

	it('shows a failed report as failed, without the error text', async () => {
		const { countyReport } = await bothReports();
		await s.db
			.updateTable('reports')
			.set({ status: 'failed', error: 'TypeError: secret stack' })
			.where('id', '=', countyReport)
			.execute();
		const { report } = await reportLoad(u.reviewer, countyReport);
		expect(report.status).toBe('failed');
		expect(JSON.stringify(report)).not.toContain('secret stack');
		expect(is404(await thrownBy(() => file(u.reviewer, countyReport, 'xlsx')))).toBe(true);
	});
});

describe('the print view', () => {
	const printLoad = (user: PublicUser, query: string) =>
		callLoad(printPage.load, makeEvent({ user, url: `/reports/print?${query}` }));

	it('renders the report for a region in scope, and 404s elsewhere', async () => {
		await cityReport();
		// The earlier address (region and quarter) goes to the newest finished report asked so.
		const moved = await thrownBy(() => printLoad(u.analyst, `region=${tree.city}&quarter=2025-Q3`));
		if (!isRedirect(moved)) throw new Error(`expected a redirect, got ${JSON.stringify(moved)}`);
		const match = /^\/reports\/print\?report=(\d+)$/.exec(moved.location);
		expect(match).not.toBeNull();
		const { region_code, quarter, locale } = await s.db
			.selectFrom('reports')
			.select(['region_code', 'quarter', 'locale'])
			.where('id', '=', Number(match![1]))
			.executeTakeFirstOrThrow();
		expect({ region_code, quarter, locale }).toEqual({
			region_code: tree.city,
			quarter: '2025-Q3',
			locale: 'zh'
		});
		const data = await printLoad(u.analyst, `report=${match![1]}`);
		expect(data.title).toBe('银川市2025年第3季度基层减负观测情况报告');
		expect(data.sections.length).toBeGreaterThan(2);
		expect(JSON.stringify(data)).toContain('县里又要<b>');
		for (const query of [
			`region=${tree.otherCity}&quarter=2025-Q3`,
			`region=${tree.city}&quarter=2025-Q5`,
			`quarter=2025-Q3`
		])
			expect(is404(await thrownBy(() => printLoad(u.analyst, query))), query).toBe(true);
		expect(
			is404(await thrownBy(() => printLoad(u.farReviewer, `region=${tree.county}&quarter=2025-Q3`)))
		).toBe(true);
		expect(is404(await thrownBy(() => printLoad(u.farReviewer, `report=${match![1]}`)))).toBe(true);
		expect(is404(await thrownBy(() => printLoad(u.staff, `region=${tree.village}&quarter=2025-Q3`)))).toBe(
			true
		);
	});
});

describe('the report worker', () => {
	it('fails a queued report whose maker can no longer see its region, and writes no files', async () => {
		const mover = await newUser(s.db, 'analyst', tree.city);
		const { id } = await requestReport(s.db, mover, {
			regionCode: tree.county,
			quarter: '2025-Q3',
			issuer: '',
			locale: 'zh'
		});
		// Moved to another city before the worker got to it.
		await s.db.updateTable('users').set({ region_code: tree.otherCity }).where('id', '=', mover.id).execute();
		await kickReports(s.db);
		const row = await s.db
			.selectFrom('reports')
			.select(['status', 'files'])
			.where('id', '=', id)
			.executeTakeFirstOrThrow();
		expect(row).toEqual({ status: 'failed', files: null });
		expect(fs.existsSync(path.join(s.dirs.REPORT_DIR, String(id)))).toBe(false);
	});
});
