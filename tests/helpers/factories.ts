import type { Session } from 'lucia';
import { toFormValue, type Answers, type ChecklistDefinition } from '../../src/lib/domain/checklist';
import { levelOfCode, parentCodeOf, type PointType } from '../../src/lib/domain/regions';
import type { PublicUser, Role } from '../../src/lib/domain/roles';
import { lucia, toPublicUser } from '../../src/lib/server/auth/session';
import { createRound, openRound, type RoundInput } from '../../src/lib/server/checklists/rounds.service';
import { acceptSubmission, saveAnswers, submit } from '../../src/lib/server/checklists/submissions.service';
import { now, type Db } from '../../src/lib/server/db';
import { insertPoint } from '../../src/lib/server/points/points.repository';
import { createUser } from '../../src/lib/server/users/users.service';

export interface RegionTree {
	province: string;
	/** The city holding everything below. */
	city: string;
	/** A sibling city, outside `city`'s subtree. */
	otherCity: string;
	county: string;
	/** A sibling county in the same city. */
	otherCounty: string;
	township: string;
	/** A 村委会 and a 社区居委会 in `township`. */
	village: string;
	community: string;
	/** A village in `otherCounty`. */
	otherVillage: string;
}

/**
 * A small NBS-shaped hierarchy written straight to the table (no import, no audit):
 * province → two cities; the first city → two counties, each with a township and villages.
 * Pass another two-digit province code to add a second, independent tree.
 */
export async function newRegionTree(db: Db, province = '64'): Promise<RegionTree> {
	const t: RegionTree = {
		province,
		city: `${province}01`,
		otherCity: `${province}02`,
		county: `${province}0104`,
		otherCounty: `${province}0105`,
		township: `${province}0104001`,
		village: `${province}0104001001`,
		community: `${province}0104001002`,
		otherVillage: `${province}0105001001`
	};
	const otherTownship = `${province}0105001`;
	await db
		.insertInto('regions')
		.values([
			{ code: t.province, parent_code: null, level: 1, name: '宁夏回族自治区' },
			{ code: t.city, parent_code: t.province, level: 2, name: '银川市' },
			{ code: t.otherCity, parent_code: t.province, level: 2, name: '石嘴山市' },
			{ code: t.county, parent_code: t.city, level: 3, name: '兴庆区' },
			{ code: t.otherCounty, parent_code: t.city, level: 3, name: '西夏区' },
			{ code: t.township, parent_code: t.county, level: 4, name: '凤凰北街街道' },
			{ code: otherTownship, parent_code: t.otherCounty, level: 4, name: '朔方路街道' },
			{ code: t.village, parent_code: t.township, level: 5, name: '红花村委会' },
			{ code: t.community, parent_code: t.township, level: 5, name: '满春社区居委会' },
			{ code: t.otherVillage, parent_code: otherTownship, level: 5, name: '同心村委会' }
		])
		.execute();
	return t;
}

/** One more region under an existing parent; the level and parent follow from the code. */
export async function newRegion(db: Db, code: string, name = `测试地区${code}`): Promise<string> {
	const level = levelOfCode(code);
	if (!level) throw new Error(`not a region code: ${code}`);
	await db
		.insertInto('regions')
		.values({ code, parent_code: parentCodeOf(code), level, name })
		.execute();
	return code;
}

export interface PointRef {
	id: number;
	regionCode: string;
}

/** An active point on a village-level code, inserted directly (no audit row). */
export async function newPoint(db: Db, regionCode: string, type: PointType = 'village'): Promise<PointRef> {
	const id = await insertPoint(db, {
		region_code: regionCode,
		type,
		active: 1,
		contact_name: null,
		contact_phone: null,
		created_at: now(),
		deactivated_at: null
	});
	return { id, regionCode };
}

export const TEST_PASSWORD = 'correct-horse-battery';

let userCounter = 0;

export interface TestUser extends PublicUser {
	password: string;
}

/**
 * A user through the real service (so the password is really hashed). `scope` is the region code
 * for analysts and reviewers, the point's village code for staff.
 */
export async function newUser(
	db: Db,
	role: Role,
	scope: string | null = null,
	options: { username?: string; password?: string; mustChangePassword?: boolean } = {}
): Promise<TestUser> {
	const username = options.username ?? `${role}${++userCounter}`;
	const password = options.password ?? TEST_PASSWORD;
	const mustChangePassword = options.mustChangePassword ?? false;
	const { id } = await createUser(db, null, {
		username,
		displayName: `测试${role}${userCounter}`,
		role,
		scopeCode: scope,
		password,
		mustChangePassword
	});
	const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
	return {
		id,
		username: row.username,
		name: row.display_name,
		role,
		regionCode: row.region_code,
		pointId: row.point_id,
		mustChangePassword,
		password
	};
}

/** A real Lucia session for the user, as the hook would put it in locals. */
export async function signedIn(
	userId: number
): Promise<{ user: PublicUser; session: Session; token: string }> {
	const created = await lucia.createSession(userId, {});
	const { user, session } = await lucia.validateSession(created.id);
	if (!user || !session) throw new Error('a fresh session did not validate');
	return { user: toPublicUser(user), session, token: created.id };
}

export async function auditRows(
	db: Db,
	filter: { action?: string; entityType?: string; entityId?: string | number } = {}
) {
	return db
		.selectFrom('audit_log')
		.selectAll()
		.$if(filter.action != null, (q) => q.where('action', '=', filter.action!))
		.$if(filter.entityType != null, (q) => q.where('entity_type', '=', filter.entityType!))
		.$if(filter.entityId != null, (q) => q.where('entity_id', '=', String(filter.entityId)))
		.orderBy('id')
		.execute();
}

export async function countRows(
	db: Db,
	table:
		| 'regions'
		| 'points'
		| 'users'
		| 'sessions'
		| 'audit_log'
		| 'checklist_templates'
		| 'template_versions'
		| 'rounds'
		| 'round_targets'
		| 'submissions'
		| 'answers'
): Promise<number> {
	const { n } = await db
		.selectFrom(table)
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(n);
}

/** A checklist template with one published version holding `definition`, written straight to the tables. */
export async function newTemplate(
	db: Db,
	definition: ChecklistDefinition,
	name = '测试清单'
): Promise<{ templateId: number; versionId: number }> {
	const at = now();
	const { id: templateId } = await db
		.insertInto('checklist_templates')
		.values({ name, created_at: at })
		.returning('id')
		.executeTakeFirstOrThrow();
	const { id: versionId } = await db
		.insertInto('template_versions')
		.values({
			template_id: templateId,
			version: 1,
			status: 'published',
			definition: JSON.stringify(definition),
			created_at: at,
			published_at: at
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return { templateId, versionId };
}

/**
 * A round through the real service, opened unless `open: false`. Defaults to 2026 Q1, open from
 * 1 January and due on 10 April, aimed at every active point.
 */
export async function newRound(
	db: Db,
	templateVersionId: number,
	options: Partial<RoundInput> & { open?: boolean } = {}
): Promise<number> {
	const { open = true, ...input } = options;
	const id = await createRound(db, null, {
		name: '2026年第1季度',
		periodKind: 'quarter',
		period: '2026-Q1',
		opensOn: '2026-01-01',
		dueOn: '2026-04-10',
		templateVersionId,
		...input
	});
	if (open) await openRound(db, null, id);
	return id;
}

/**
 * A point's submission for a round through the real services: saved, then submitted (at `at`),
 * then accepted unless told to stop earlier. Throws when any step is refused.
 */
export async function newSubmission(
	db: Db,
	roundId: number,
	pointId: number,
	answers: Answers,
	options: { until?: 'draft' | 'submitted' | 'accepted'; at?: Date; notes?: Record<string, string> } = {}
): Promise<number> {
	const until = options.until ?? 'accepted';
	const raw = Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, toFormValue(v)]));
	const saved = await saveAnswers(db, null, {
		roundId,
		pointId,
		expectedVersion: null,
		raw,
		notes: options.notes ?? {}
	});
	if (until === 'draft') return saved.submissionId;
	const sent = await submit(db, null, {
		roundId,
		pointId,
		expectedVersion: saved.version,
		clientToken: `factory-${roundId}-${pointId}`,
		at: options.at
	});
	if (until === 'accepted') await acceptSubmission(db, null, sent.submissionId);
	return sent.submissionId;
}

/**
 * A small checklist with one item of every kind, bounds where they matter and a condition:
 * section 0 counts (count ≤ 50, number, yes/no, short text shown when the yes/no is yes),
 * section 1 choices (single; multi with 2–3 choices), section 2 details (date, short and long text).
 */
export const everyKindDefinition: ChecklistDefinition = {
	sections: [
		{
			key: 'counts',
			title: '数量',
			items: [
				{ key: 'boards', kind: 'count', label: '外挂牌子有几块？', required: true, max: 50 },
				{ key: 'hours', kind: 'number', label: '每周开会多少小时？', required: false },
				{
					key: 'rehung',
					kind: 'yes_no',
					label: '有没有已取消的牌子重新挂出？',
					required: true,
					compliantWhen: { op: 'eq', value: false }
				},
				{
					key: 'rehung_detail',
					kind: 'short_text',
					label: '重新挂出的是哪些？',
					required: true,
					showWhen: { key: 'rehung', equals: true }
				}
			]
		},
		{
			key: 'choices',
			title: '选择',
			items: [
				{
					key: 'trend',
					kind: 'single',
					label: '负担感受如何？',
					required: true,
					options: [
						{ value: 'lighter', label: '减轻' },
						{ value: 'same', label: '不变' },
						{ value: 'heavier', label: '加重' }
					]
				},
				{
					key: 'kinds',
					kind: 'multi',
					label: '接受了哪些督查？',
					required: false,
					min: 2,
					max: 3,
					options: [
						{ value: 'supervision', label: '督查' },
						{ value: 'inspection', label: '检查' },
						{ value: 'evaluation', label: '考核' },
						{ value: 'ranking', label: '评比' },
						{ value: 'other', label: '其他' }
					]
				}
			]
		},
		{
			key: 'details',
			title: '补充',
			items: [
				{ key: 'visited_on', kind: 'date', label: '最近一次督查是哪天？', required: false },
				{ key: 'remark', kind: 'short_text', label: '备注', required: false },
				{ key: 'story', kind: 'long_text', label: '最重的新负担是什么？', required: false }
			]
		}
	]
};
