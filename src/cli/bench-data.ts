// The benchmark's data set: all of Ningxia as observation points, five years of monthly rounds,
// and registers to match. Written straight into the tables in batches, since going through the
// services row by row would take hours at this size; the values follow the same rules the
// services enforce (one submission per point and round, register items agree with the registers).
import type { Insertable } from 'kysely';
import { allItems, type Answers, type ChecklistDefinition } from '../lib/domain/checklist';
import { chinaDate, periodRange } from '../lib/domain/periods';
import { guessPointType, VILLAGE_LEVEL } from '../lib/domain/regions';
import type { Db } from '../lib/server/db';
import type { Database } from '../lib/server/db/schema';
import { ensureDefaultTemplate, findVersion } from '../lib/server/checklists/templates.service';
import {
	ensureStarterCatalogues,
	listCertificateItems,
	listSignboardCategories
} from '../lib/server/registers/catalogues.service';
import { importDivisionRows } from '../lib/server/regions/division-import';
import { findFirstPublishedVersionId } from '../lib/server/demo/demo.repository';
import { readNingxia } from '../lib/server/demo/ningxia';
import { allPointIds, insertBatched, insertRound } from './bench.queries';

export const MONTHS = 60;

export interface SeedCounts {
	regions: number;
	points: number;
	rounds: number;
	roundTargets: number;
	submissions: number;
	answers: number;
	signboards: number;
	signboardEvents: number;
	secondments: number;
	certificateCounts: number;
}

/** A small deterministic generator, so every run measures the same data. */
function random(seed: number) {
	let s = seed >>> 0 || 1;
	return () => {
		s = (s + 0x6d2b79f5) >>> 0;
		let t = s;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
	};
}

const addDays = (date: string, days: number) =>
	new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const addMonths = (month: string, n: number) => {
	const total = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
	return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
};
const at = (date: string, hour = 2) => `${date}T${String(hour).padStart(2, '0')}:00:00.000Z`;

interface Plate {
	id: number;
	categoryId: number;
	cancelled: boolean;
	interior: boolean;
	/** Events in date order. */
	events: { kind: 'hung' | 'removed' | 'rehung'; onDate: string }[];
}

interface Secondment {
	start: string;
	end: string | null;
	approved: boolean;
}

/** How one point's burdens move over the five years. */
interface PointPlan {
	id: number;
	base: Record<(typeof TRENDED)[number], number>;
	/** The level the reductions settle at, as a share of the start. */
	floor: number;
	dropFrom: number;
	dropMonths: number;
	/** Months before the end at which the point starts creeping back (反弹), or null. */
	reboundMonths: number | null;
	plates: Plate[];
	secondments: Secondment[];
	/** Cancelled certificates issued, by month index (the item is the first cancelled one). */
	certificates: Map<number, number>;
}

const TRENDED = [
	'mechanisms_hosted',
	'data_requests',
	'apps_required',
	'work_groups',
	'meetings_attended',
	'inspections_received'
] as const;
const STANDING = new Set<string>(['mechanisms_hosted', 'apps_required', 'work_groups']);
const BASE_RANGE: Record<(typeof TRENDED)[number], [number, number]> = {
	mechanisms_hosted: [4, 10],
	data_requests: [8, 20],
	apps_required: [4, 10],
	work_groups: [6, 18],
	meetings_attended: [4, 12],
	inspections_received: [2, 6]
};

/** 1 at the start, down to the floor, and for a rebounding point back up near the end. */
function level(plan: PointPlan, month: number): number {
	let f = 1;
	if (month >= plan.dropFrom + plan.dropMonths) f = plan.floor;
	else if (month > plan.dropFrom) f = 1 - ((1 - plan.floor) * (month - plan.dropFrom)) / plan.dropMonths;
	if (plan.reboundMonths !== null && month >= MONTHS - plan.reboundMonths) {
		const k = (month - (MONTHS - plan.reboundMonths) + 1) / plan.reboundMonths;
		f = plan.floor + (0.95 - plan.floor) * k;
	}
	return f;
}

function registerFigures(plan: PointPlan, month: number, start: string, end: string) {
	let exterior = 0;
	let interior = 0;
	let rehung = false;
	for (const plate of plan.plates) {
		let up = false;
		for (const e of plate.events) {
			if (e.onDate > end) break;
			up = e.kind !== 'removed';
			if (e.kind === 'rehung' && plate.cancelled && e.onDate >= start) rehung = true;
		}
		if (!up) continue;
		if (plate.cancelled) rehung = true;
		if (plate.interior) interior++;
		else exterior++;
	}
	const seconded = plan.secondments.filter((s) => s.start <= end && (s.end === null || s.end > end));
	return {
		signboards_exterior: exterior,
		signboards_interior: interior,
		signboards_rehung: rehung,
		certificates_cancelled_issued: plan.certificates.get(month) ?? 0,
		secondments_active: seconded.length,
		secondments_unapproved: seconded.filter((s) => !s.approved).length
	};
}

const BURDENS = [
	'同一项人口数据被三个部门分别要求填报',
	'上级检查前要求重新挂出已取消的牌子',
	'新建工作群要求每日打卡',
	'创建评比要求提供过程材料'
];

function answersFor(plan: PointPlan, month: number, start: string, end: string): Answers {
	const r = random(plan.id * 7919 + month * 104_729);
	const now = level(plan, month);
	const before = level(plan, Math.max(0, month - 1));
	// How far above its eventual floor the point is: drives the yes/no burdens too.
	const excess = Math.max(0, now - plan.floor) / (1 - plan.floor);
	// Standing counts (mechanisms, apps, groups) change only when something is set up or dropped;
	// per-period counts (requests, meetings, inspections) vary from month to month.
	const counts = Object.fromEntries(
		TRENDED.map((k) => {
			const noise = STANDING.has(k) ? 1 : 0.85 + r() * 0.3;
			return [k, Math.max(0, Math.round(plan.base[k] * now * noise))];
		})
	) as Record<(typeof TRENDED)[number], number>;
	const registers = registerFigures(plan, month, start, end);
	const kinds = ['supervision', 'inspection', 'evaluation', 'ranking'].filter(
		(_, i) => i < counts.inspections_received && r() < 0.6
	);
	const trend =
		now < before - 0.005 ? (r() < 0.4 ? 'much_lighter' : 'lighter') : now > before ? 'heavier' : 'same';
	return {
		...registers,
		signboards_rehung_detail: registers.signboards_rehung
			? '上级检查前要求重新挂出“老龄工作委员会”牌子'
			: null,
		mechanisms_new: r() < 0.02 + 0.15 * excess ? 1 : 0,
		certificates_total: Math.round((5 + r() * 35) * now),
		data_requests_duplicate: r() < 0.05 + 0.3 * excess,
		...counts,
		inspection_kinds: kinds.length ? kinds : null,
		burden_trend: r() < 0.9 ? trend : 'same',
		heaviest_burden: r() < 0.1 + 0.5 * excess ? BURDENS[Math.floor(r() * BURDENS.length)] : null
	};
}

function planPoints(
	pointIds: number[],
	categories: { id: number; status: 'cancelled' | 'kept'; placement: string }[],
	firstStart: string,
	lastMonth: string
): PointPlan[] {
	const baseline = addDays(firstStart, -180);
	// Rebounds land in the last months, but never after today.
	const today = chinaDate();
	const upTo = (date: string) => (date < today ? date : today);
	let plateId = 0;
	return pointIds.map((id) => {
		const r = random(id * 31_337);
		const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
		const base = Object.fromEntries(TRENDED.map((k) => [k, int(...BASE_RANGE[k])])) as PointPlan['base'];
		const reboundMonths = r() < 0.04 ? int(4, 9) : null;
		const plan: PointPlan = {
			id,
			base,
			floor: 0.35 + r() * 0.25,
			dropFrom: int(2, 4),
			dropMonths: int(8, 18),
			reboundMonths,
			plates: [],
			secondments: [],
			certificates: new Map()
		};
		const stubborn = r() < 0.02;
		for (const c of categories) {
			if (c.status === 'cancelled' && r() > 0.6) continue;
			const plate: Plate = {
				id: ++plateId,
				categoryId: c.id,
				cancelled: c.status === 'cancelled',
				interior: c.placement !== 'exterior',
				events: [{ kind: 'hung', onDate: baseline }]
			};
			plan.plates.push(plate);
			if (!plate.cancelled) continue;
			// The reductions: cancelled categories come down within the first year, bar a stubborn few.
			if (stubborn && plan.plates.filter((p) => p.cancelled).length === 1) continue;
			plate.events.push({ kind: 'removed', onDate: addDays(firstStart, int(20, 330)) });
		}
		const rehang = plan.plates.find((p) => p.cancelled && p.events.length === 2);
		if (reboundMonths !== null && rehang) {
			const from = periodRange('month', addMonths(lastMonth, 1 - reboundMonths))!.start;
			rehang.events.push({ kind: 'rehung', onDate: upTo(addDays(from, int(0, 25 * reboundMonths))) });
		}
		// Staff borrowed before the reform, mostly sent back in the first eighteen months.
		if (r() < 0.15) {
			const back = r() < 0.85;
			plan.secondments.push({
				start: addDays(firstStart, -int(30, 200)),
				end: back ? addDays(firstStart, int(30, 540)) : null,
				approved: !back && r() < 0.5
			});
		}
		// Short approved secondments in the reform years: allowed, but still counted.
		if (r() < 0.05) {
			const start = addDays(firstStart, int(400, 1500));
			plan.secondments.push({ start, end: addDays(start, int(90, 180)), approved: true });
		}
		if (reboundMonths !== null && r() < 0.5) {
			const from = periodRange('month', addMonths(lastMonth, 1 - reboundMonths))!.start;
			plan.secondments.push({ start: upTo(addDays(from, int(0, 60))), end: null, approved: r() < 0.5 });
		}
		// Some points kept issuing cancelled certificates for a while; rebounding ones start again.
		if (r() < 0.1) {
			for (let m = 0; m < plan.dropFrom + plan.dropMonths; m++)
				if (r() < 0.5) plan.certificates.set(m, int(1, 4));
		}
		if (reboundMonths !== null) {
			for (let m = MONTHS - reboundMonths; m < MONTHS; m++)
				if (r() < 0.3) plan.certificates.set(m, int(1, 2));
		}
		return plan;
	});
}

const SURNAMES = ['王', '李', '张', '马', '刘', '杨', '赵', '丁'];
const UNITS = ['县乡村振兴局', '镇综治办', '县民政局', '县委办公室', '县信访局'];
const POSTS = ['村委会委员', '网格员', '村务监督委员', '社区专干'];

async function seedRegisters(
	db: Db,
	plans: PointPlan[],
	catalogue: Map<number, string>,
	certificateItemId: number,
	firstMonth: string
) {
	const signboards: Insertable<Database['signboards']>[] = [];
	const events: Insertable<Database['signboard_events']>[] = [];
	const secondments: Insertable<Database['secondments']>[] = [];
	const certificates: Insertable<Database['certificate_counts']>[] = [];
	for (const plan of plans) {
		for (const [m, issued] of plan.certificates) {
			const { start, end } = periodRange('month', addMonths(firstMonth, m))!;
			certificates.push({
				point_id: plan.id,
				item_id: certificateItemId,
				period_start: start,
				period_end: end,
				issued,
				updated_at: at(addDays(end, 3))
			});
		}
		for (const plate of plan.plates) {
			const last = plate.events[plate.events.length - 1];
			signboards.push({
				id: plate.id,
				point_id: plan.id,
				category_id: plate.categoryId,
				text: catalogue.get(plate.categoryId)!,
				placement: plate.interior ? 'interior' : 'exterior',
				department: plate.cancelled ? '县直有关部门' : '县委社会工作部',
				state: last.kind === 'removed' ? 'removed' : 'hung',
				created_at: at(plate.events[0].onDate),
				updated_at: at(last.onDate)
			});
			for (const e of plate.events) {
				events.push({
					signboard_id: plate.id,
					kind: e.kind,
					on_date: e.onDate,
					photo_id: null,
					note:
						e.kind === 'removed' ? '按减负清单摘除' : e.kind === 'rehung' ? '上级检查前要求重新挂出' : null,
					created_by: null,
					created_at: at(e.onDate)
				});
			}
		}
		for (const [i, s] of plan.secondments.entries()) {
			secondments.push({
				point_id: plan.id,
				person_name: `${SURNAMES[(plan.id + i) % SURNAMES.length]}某`,
				post: POSTS[(plan.id + i) % POSTS.length],
				borrowing_unit: UNITS[(plan.id * 3 + i) % UNITS.length],
				start_date: s.start,
				expected_end: s.end,
				return_date: s.end && s.end <= chinaDate() ? s.end : null,
				approved: s.approved ? 1 : 0,
				approval_ref: s.approved ? `准入〔${s.start.slice(0, 4)}〕${plan.id}号` : null,
				created_at: at(s.start),
				updated_at: at(s.end && s.end <= chinaDate() ? s.end : s.start)
			});
		}
	}
	await db.transaction().execute(async (trx) => {
		await insertBatched(trx, 'signboards', signboards);
		await insertBatched(trx, 'signboard_events', events);
		await insertBatched(trx, 'secondments', secondments);
		await insertBatched(trx, 'certificate_counts', certificates);
	});
	return {
		signboards: signboards.length,
		signboardEvents: events.length,
		secondments: secondments.length,
		certificateCounts: certificates.length
	};
}

/**
 * Seeds a migrated, empty database. Returns the row counts; progress goes to `log`.
 * The last month is the current one (in China time), so the last round is the open one.
 */
export async function seedBench(db: Db, log: (line: string) => void = () => {}): Promise<SeedCounts> {
	const rows = readNingxia();
	const imported = await importDivisionRows(db, rows, null);
	if (!imported.ok)
		throw new Error(`regions did not import: ${JSON.stringify(imported.problems.slice(0, 3))}`);

	const lastMonth = chinaDate().slice(0, 7);
	const firstMonth = addMonths(lastMonth, 1 - MONTHS);
	const firstStart = periodRange('month', firstMonth)!.start;
	const villages = rows.filter((r) => r.level === VILLAGE_LEVEL).sort((a, b) => a.code.localeCompare(b.code));
	await db.transaction().execute((trx) =>
		insertBatched(
			trx,
			'points',
			villages.map((v) => ({
				region_code: v.code,
				type: guessPointType(v.name),
				active: 1 as const,
				contact_name: null,
				contact_phone: null,
				created_at: at(addDays(firstStart, -30)),
				deactivated_at: null
			}))
		)
	);
	const pointIds = await allPointIds(db);
	log(`regions ${rows.length}, points ${pointIds.length}`);

	await ensureDefaultTemplate(db);
	await ensureStarterCatalogues(db);
	const publishedId = await findFirstPublishedVersionId(db);
	const definition: ChecklistDefinition = (await findVersion(db, publishedId))!.definition;
	const itemKeys = allItems(definition).map((i) => i.key);
	const categories = await listSignboardCategories(db, { activeOnly: true });

	const plans = planPoints(pointIds, categories, firstStart, lastMonth);
	const cancelledItem = (await listCertificateItems(db, { activeOnly: true })).find(
		(i) => i.status === 'cancelled'
	);
	if (!cancelledItem) throw new Error('the starter catalogue has no cancelled certificate item');
	const registers = await seedRegisters(
		db,
		plans,
		new Map(categories.map((c) => [c.id, c.name])),
		cancelledItem.id,
		firstMonth
	);
	log(`signboards ${registers.signboards}, secondments ${registers.secondments}`);

	let submissionId = 0;
	let answers = 0;
	const today = chinaDate();
	for (let m = 0; m < MONTHS; m++) {
		const month = addMonths(firstMonth, m);
		const { start, end } = periodRange('month', month)!;
		const open = m === MONTHS - 1;
		const due = addDays(end, 10);
		await db.transaction().execute(async (trx) => {
			const roundId = await insertRound(trx, {
				name: `${month.slice(0, 4)}年${Number(month.slice(5))}月“六必查”`,
				period_kind: 'month',
				period_start: start,
				period_end: end,
				template_version_id: publishedId,
				target_region_code: null,
				opens_on: start,
				due_on: due,
				status: open ? 'open' : 'closed',
				created_by: null,
				created_at: at(addDays(start, -1))
			});
			await insertBatched(
				trx,
				'round_targets',
				pointIds.map((point_id) => ({ round_id: roundId, point_id }))
			);
			const submissions: Insertable<Database['submissions']>[] = [];
			const answerRows: Insertable<Database['answers']>[] = [];
			for (const plan of plans) {
				const r = random(plan.id * 65_537 + m * 257 + 17);
				// Rebounding points also start to miss rounds near the end.
				const missing = plan.reboundMonths !== null && m >= MONTHS - plan.reboundMonths ? 0.1 : 0.03;
				if (r() < missing) continue;
				const late = !open && r() < 0.05;
				// The open round is still being reviewed; older ones have a few left unreviewed.
				const accepted = open ? r() < 0.75 : r() > 0.003;
				const sentOn = open
					? addDays(
							start,
							Math.floor(r() * (Math.max(0, Date.parse(today) - Date.parse(start)) / 86_400_000 + 1))
						)
					: late
						? addDays(due, 1 + Math.floor(r() * 20))
						: addDays(end, -5 + Math.floor(r() * 15));
				const reviewedOn = open ? sentOn : addDays(sentOn, 1 + Math.floor(r() * 4));
				const id = ++submissionId;
				submissions.push({
					id,
					round_id: roundId,
					point_id: plan.id,
					status: accepted ? 'accepted' : 'submitted',
					version: accepted ? 4 : 3,
					client_token: `bench-${roundId}-${plan.id}`,
					late: late ? 1 : 0,
					submitted_at: at(sentOn, 3),
					submitted_by: null,
					reviewed_at: accepted ? at(reviewedOn, 8) : null,
					reviewed_by: null,
					review_note: null,
					created_at: at(addDays(sentOn, -1), 3),
					updated_at: at(accepted ? reviewedOn : sentOn, 8)
				});
				const values = answersFor(plan, m, start, end);
				for (const key of itemKeys) {
					answerRows.push({
						submission_id: id,
						item_key: key,
						value: JSON.stringify(values[key] ?? null),
						note: null
					});
				}
			}
			await insertBatched(trx, 'submissions', submissions);
			await insertBatched(trx, 'answers', answerRows);
			answers += answerRows.length;
		});
		if (m % 12 === 11 || open) log(`rounds ${m + 1}/${MONTHS} (${month}), submissions ${submissionId}`);
	}

	return {
		regions: rows.length,
		points: pointIds.length,
		rounds: MONTHS,
		roundTargets: MONTHS * pointIds.length,
		submissions: submissionId,
		answers,
		...registers
	};
}
