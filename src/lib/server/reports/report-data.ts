// Everything the quarterly report says, read once for a region and a quarter. The Word, Excel,
// CSV and print renderings all take this one object, so they cannot disagree with each other or
// with the dashboard (the figures come from the same kept totals and the same rule).
import {
	allItems,
	type Answers,
	type ChecklistDefinition,
	type ChoiceOption,
	type ItemKind
} from '../../domain/checklist';
import { INDICATORS, OVERALL, type IndicatorKey } from '../../domain/indicators';
import { chinaDate, periodRange } from '../../domain/periods';
import type { DashboardData, ReboundView } from '../../domain/trend-view';
import type { Viewer } from '../auth/access';
import { listTargets, rateByChild, rateOf, type Rate } from '../checklists/reporting.queries';
import type { Db } from '../db';
import {
	listCertificateRows,
	listSecondmentRows,
	listSignboardRows,
	type CertificateListRow,
	type SecondmentListRow,
	type SignboardListRow
} from '../registers/registers.queries';
import * as m from '../../paraglide/messages';
import type { ReportLocale } from '../../text/reports';
import { findRegion } from '../regions/regions.repository';
import { loadDashboardView, reboundRows } from '../trends/dashboard';
import { listIndicatorPeriods } from '../trends/indicators.service';
import { keptChildren, keptRegionRows, meanOf, type KeptFigure } from '../trends/trends.queries';
import {
	regionNamesAround,
	roundsWithin,
	submittedChecklists,
	templateDefinitions,
	type QuarterRound
} from './report.queries';

export interface ReportRequest {
	regionCode: string;
	/** `2026-Q3`. */
	quarter: string;
	/** The issuing office as printed under the title; defaults from the region's name. */
	issuer?: string;
	issuedOn?: string;
	/** The language of the title and the default issuer. */
	locale?: ReportLocale;
}

export interface IndicatorFigure {
	indicator: IndicatorKey;
	latest: number | null;
	previous: number | null;
	baseline: number | null;
	holding: number;
	rebounding: number;
	/** Points with a value in the report's period. */
	points: number;
}

export interface ChildTable {
	code: string;
	name: string;
	pointId: number | null;
	figures: IndicatorFigure[];
	holding: number;
	rebounding: number;
}

export interface ReportingByChild extends Rate {
	code: string;
	name: string;
}

export interface BurdenNote {
	pointName: string;
	regionCode: string;
	text: string;
}

export interface SubmissionRow {
	submissionId: number;
	pointId: number;
	pointName: string;
	regionCode: string;
	roundName: string;
	period: string;
	status: string;
	late: boolean;
	submittedAt: string | null;
	reviewedAt: string | null;
	answers: Answers;
}

export interface LateOrMissingRow {
	pointName: string;
	regionCode: string;
	roundName: string;
	dueOn: string;
	state: 'late' | 'missing';
	submittedAt: string | null;
}

export interface ReportItem {
	key: string;
	label: string;
	section: string;
	kind: ItemKind;
	options?: ChoiceOption[];
}

export interface ReportData {
	title: string;
	issuer: string;
	issuedOn: string;
	region: { code: string; name: string; level: number };
	quarter: { key: string; start: string; end: string };
	/** The period the figures are as of (the quarter, or its last month with data), and the ones compared. */
	period: string | null;
	previousPeriod: string | null;
	baselinePeriod: string | null;
	/** The dashboard's view ending at the report's period: trends for the charts, the rule. */
	view: DashboardData;
	indicators: IndicatorFigure[];
	overall: { holding: number; rebounding: number; points: number };
	reporting: (Rate & { rounds: string[] }) | null;
	reportingByChild: ReportingByChild[];
	childTables: ChildTable[];
	rebounds: ReboundView[];
	burdens: BurdenNote[];
	/** Every checklist item of the quarter's templates, in template order, for one column each. */
	items: ReportItem[];
	submissions: SubmissionRow[];
	signboards: SignboardListRow[];
	certificates: CertificateListRow[];
	secondments: SecondmentListRow[];
	lateOrMissing: LateOrMissingRow[];
	/** Names of every region in scope above the points (province to township), for columns. */
	regionNames: Record<string, string>;
}

/** The dashboard's three charted indicators, as the report's view of it asks for them. */
const REPORT_DASHBOARD_INDICATORS = ['signboards_exterior', 'meetings_attended', 'data_requests'];

export async function loadReportData(db: Db, user: Viewer, request: ReportRequest): Promise<ReportData> {
	const range = periodRange('quarter', request.quarter);
	if (!range) throw new Error(`not a quarter: ${request.quarter}`);
	const found = await findRegion(db, request.regionCode);
	if (!found) throw new Error(`no region ${request.regionCode}`);
	const region = { code: found.code, name: found.name, level: found.level };
	const within = region.code;

	// Quarterly periods when the quarter had a quarterly round; otherwise its months.
	const periods = (await listIndicatorPeriods(db)).filter(
		(p) => p.start >= range.start && p.end <= range.end
	);
	const kind = periods.some((p) => p.kind === 'quarter') ? 'quarter' : (periods.at(-1)?.kind ?? 'quarter');
	const inQuarter = periods.filter((p) => p.kind === kind);
	const view = await loadDashboardView(
		db,
		user,
		{ kind: 'region', code: within },
		{ kind, to: inQuarter.at(-1)?.key ?? null, indicators: REPORT_DASHBOARD_INDICATORS }
	);

	const period =
		view.overall.period && inQuarter.some((p) => p.key === view.overall.period)
			? view.overall.period
			: (inQuarter.at(-1)?.key ?? null);
	const shownIdx = view.shown.findIndex((p) => p.key === period);
	const previousPeriod = shownIdx > 0 ? view.shown[shownIdx - 1].key : null;
	const baselinePeriod = view.baselinePeriod;
	const keys = [period, previousPeriod, baselinePeriod].filter((k): k is string => !!k);

	const own = await keptRegionRows(db, [within], keys);
	const indicators = figures(own, period, previousPeriod, baselinePeriod);
	const overallRow = own.find((r) => r.period_key === period && r.indicator === OVERALL);

	const rounds = await roundsWithin(db, range);

	const [
		children,
		targetsByRound,
		rebounds,
		definitions,
		signboards,
		certificates,
		secondments,
		regionNames
	] = await Promise.all([
		childTables(db, region, keys, period, previousPeriod, baselinePeriod),
		Promise.all(rounds.map((r) => listTargets(db, r.id, within))),
		period ? reboundRows(db, period, { kind: 'region', code: within }) : Promise.resolve([]),
		templateDefinitions(
			db,
			rounds.map((r) => r.template_version_id)
		),
		listSignboardRows(db, { within, all: true }),
		listCertificateRows(db, { within, all: true, from: range.start, to: range.end }),
		listSecondmentRows(db, { within, all: true }, range.end < chinaDate() ? range.end : chinaDate()),
		regionNamesAround(db, within)
	]);

	const allTargets = targetsByRound.flat();
	const reporting = allTargets.length ? { ...rateOf(allTargets), rounds: rounds.map((r) => r.name) } : null;
	const childNames = new Map(children.map((c) => [c.code, c.name]));
	const reportingByChild: ReportingByChild[] = rateByChild(allTargets, within).map((r) => ({
		...r,
		name: childNames.get(r.code) ?? regionNames[r.code] ?? r.code
	}));

	const items = itemsOf(definitions);
	const submissions = await submissionRows(
		db,
		within,
		rounds.map((r) => r.id),
		new Map(rounds.map((r) => [r.id, r]))
	);
	const burdens: BurdenNote[] = submissions
		.filter((s) => typeof s.answers.heaviest_burden === 'string' && s.answers.heaviest_burden.trim() !== '')
		.map((s) => ({
			pointName: s.pointName,
			regionCode: s.regionCode,
			text: String(s.answers.heaviest_burden).trim()
		}));

	const lateOrMissing: LateOrMissingRow[] = [];
	rounds.forEach((round, i) => {
		for (const t of targetsByRound[i]) {
			if (t.submittedAt && !t.late) continue;
			lateOrMissing.push({
				pointName: t.name,
				regionCode: t.regionCode,
				roundName: round.name,
				dueOn: round.due_on,
				state: t.submittedAt ? 'late' : 'missing',
				submittedAt: t.submittedAt
			});
		}
	});

	const opt = { locale: request.locale ?? 'zh' };
	const issuer = request.issuer?.trim() || m.report_default_issuer({ region: region.name }, opt);
	return {
		title: m.report_doc_title(
			{
				region: region.name,
				quarter: m.trends_period_quarter(
					{ year: request.quarter.slice(0, 4), quarter: request.quarter.slice(6) },
					opt
				)
			},
			opt
		),
		issuer,
		issuedOn: request.issuedOn ?? chinaDate(),
		region,
		quarter: { key: request.quarter, ...range },
		period,
		previousPeriod,
		baselinePeriod,
		view,
		indicators,
		overall: {
			holding: overallRow?.holding ?? 0,
			rebounding: overallRow?.rebounding ?? 0,
			points: overallRow?.points ?? 0
		},
		reporting,
		reportingByChild,
		childTables: children,
		rebounds,
		burdens,
		items,
		submissions,
		signboards: signboards.rows,
		certificates: certificates.rows,
		secondments: secondments.rows,
		lateOrMissing,
		regionNames
	};
}

function figures(
	rows: KeptFigure[],
	period: string | null,
	previous: string | null,
	baseline: string | null
): IndicatorFigure[] {
	const mean = (p: string | null, indicator: string) =>
		p ? meanOf(rows.find((x) => x.period_key === p && x.indicator === indicator)) : null;
	return INDICATORS.map((def) => {
		const at = rows.find((x) => x.period_key === period && x.indicator === def.key);
		return {
			indicator: def.key,
			latest: mean(period, def.key),
			previous: mean(previous, def.key),
			baseline: mean(baseline, def.key),
			holding: at?.holding ?? 0,
			rebounding: at?.rebounding ?? 0,
			points: at?.points ?? 0
		};
	});
}

async function childTables(
	db: Db,
	region: { code: string; level: number },
	keys: string[],
	period: string | null,
	previous: string | null,
	baseline: string | null
): Promise<ChildTable[]> {
	const children = await keptChildren(db, region, keys);
	return children.map((c) => {
		const overall = c.rows.find((r) => r.period_key === period && r.indicator === OVERALL);
		return {
			code: c.code,
			name: c.name,
			pointId: c.pointId,
			figures: figures(c.rows, period, previous, baseline),
			holding: overall?.holding ?? 0,
			rebounding: overall?.rebounding ?? 0
		};
	});
}

function itemsOf(definitions: ChecklistDefinition[]) {
	const seen = new Map<string, ReportItem>();
	for (const def of definitions)
		for (const section of def.sections)
			for (const item of allItems({ sections: [section] }))
				if (!seen.has(item.key))
					seen.set(item.key, {
						key: item.key,
						label: item.label,
						section: section.title,
						kind: item.kind,
						...(item.options ? { options: item.options } : {})
					});
	return [...seen.values()];
}

/** Every submitted (or accepted, or returned) checklist of the quarter's rounds in scope. */
async function submissionRows(
	db: Db,
	within: string,
	roundIds: number[],
	rounds: Map<number, QuarterRound>
): Promise<SubmissionRow[]> {
	const subs = await submittedChecklists(db, within, roundIds);
	return subs.map((s) => {
		const round = rounds.get(s.round_id)!;
		return {
			submissionId: s.id,
			pointId: s.pointId,
			pointName: s.pointName,
			regionCode: s.regionCode,
			roundName: round.name,
			period: `${round.period_start}~${round.period_end}`,
			status: s.status,
			late: s.late === 1,
			submittedAt: s.submitted_at,
			reviewedAt: s.reviewed_at,
			answers: s.answers
		};
	});
}
