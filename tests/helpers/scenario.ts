// A scenario builder: one call sets up what an integration test needs (a fresh database, the
// region tree, named points and users, a template, quarterly rounds with submissions, temp
// folders for the file stores), so a test file states only what differs from the usual world.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type {
	Answers,
	ChecklistDefinition,
	ChecklistItem,
	ChecklistSection
} from '../../src/lib/domain/checklist';
import type { PointType } from '../../src/lib/domain/regions';
import type { Role } from '../../src/lib/domain/roles';
import { closeRound } from '../../src/lib/server/checklists/rounds.service';
import type { Db } from '../../src/lib/server/db';
import { freshDatabase } from './db';
import { newPoint, newRegionTree, newRound, newSubmission, newTemplate, newUser } from './factories';
import type { PointRef, RegionTree, TestUser } from './factories';
import { newSignboardCategory } from './registers';

// ---- the checklist ------------------------------------------------------------------------

type MeetingsKey = 'meetings_attended' | 'data_requests';

const MEETINGS_ITEMS: Record<MeetingsKey, ChecklistItem> = {
	meetings_attended: {
		key: 'meetings_attended',
		kind: 'count',
		label: '参加上级会议几次？',
		required: true,
		max: 1000
	},
	data_requests: { key: 'data_requests', kind: 'count', label: '填表报数几次？', required: true, max: 1000 }
};

/**
 * The 'meetings' checklist the report and trend tests share: one section '会议' with two required
 * counts (meetings_attended, data_requests; at most 1000). `items` are appended to the section; one
 * with a shared item's key changes that item in place instead (a file whose assertions name its own
 * label, or that needs a compliance rule). `title` renames the section, `omit` drops shared items,
 * `sections` are appended after it.
 */
export function meetingsDefinition(
	items: (ChecklistItem | (Partial<ChecklistItem> & { key: MeetingsKey }))[] = [],
	options: { title?: string; omit?: MeetingsKey[]; sections?: ChecklistSection[] } = {}
): ChecklistDefinition {
	const isShared = (key: string): key is MeetingsKey => key in MEETINGS_ITEMS;
	const changes = new Map(items.map((i) => [i.key, i]));
	const shared = (Object.keys(MEETINGS_ITEMS) as MeetingsKey[])
		.filter((key) => !options.omit?.includes(key))
		.map((key) => ({ ...MEETINGS_ITEMS[key], ...changes.get(key) }));
	const added = items.filter((i): i is ChecklistItem => !isShared(i.key));
	return {
		sections: [
			{ key: 'meetings', title: options.title ?? '会议', items: [...shared, ...added] },
			...(options.sections ?? [])
		]
	};
}

// ---- quarters -----------------------------------------------------------------------------

export interface Quarter {
	period: string;
	opensOn: string;
	dueOn: string;
}

/** A quarter as the rounds run it: open from its first day, due on the 10th after it ends. */
export function quarter(period: string): Quarter {
	const match = /^(\d{4})-Q([1-4])$/.exec(period);
	if (!match) throw new Error(`not a quarter: ${period}`);
	const year = Number(match[1]);
	const q = Number(match[2]);
	const month = (m: number) => String(m).padStart(2, '0');
	return {
		period,
		opensOn: `${year}-${month(3 * q - 2)}-01`,
		dueOn: q === 4 ? `${year + 1}-01-10` : `${year}-${month(3 * q + 1)}-10`
	};
}

/** 2025 Q1 to Q3. */
export const QUARTERS_2025: Quarter[] = ['2025-Q1', '2025-Q2', '2025-Q3'].map(quarter);

// ---- points and users ---------------------------------------------------------------------

type Place = keyof RegionTree;
/**
 * Where a point stands: a place in the tree, or in one of the other `trees` (by province). A
 * community makes a 社区 point, anything else a village, unless `type` says otherwise.
 */
export type PointSpec = Place | { at: Place; tree?: string; type?: PointType };
/** A role, with the tree place it is scoped to (admins have none), and a username where it matters. */
export type UserSpec = Role | readonly [Role, Place] | { role: Role; at?: Place; username?: string };

/** own (the village), neighbour (the community beside it), far (a village in the other county). */
export const STANDARD_POINTS = { own: 'village', neighbour: 'community', far: 'otherVillage' } as const;

/** An analyst of the city, reviewers of the county and the other county, the own village's staff, an admin. */
export const STANDARD_USERS = {
	analyst: ['analyst', 'city'],
	reviewer: ['reviewer', 'county'],
	farReviewer: ['reviewer', 'otherCounty'],
	staff: ['staff', 'village'],
	admin: 'admin'
} as const;

/** The points of the report tests, named by place: the village, the community, the far village. */
export const PLACE_POINTS = { village: 'village', community: 'community', far: 'otherVillage' } as const;

/** The kept category the register tests hang plates of: 党群服务中心, outside. */
export const KEPT_CATEGORY = { name: '党群服务中心', status: 'kept', placement: 'exterior' } as const;

// ---- submissions --------------------------------------------------------------------------

type SubmissionOptions = NonNullable<Parameters<typeof newSubmission>[4]>;

type Answered = Answers | Sent | null;

class Sent {
	constructor(
		readonly answers: Answers,
		readonly options: SubmissionOptions
	) {}
}

/** Answers sent with options: when (`at`), item notes, or stopping before acceptance (`until`). */
export function sent(answers: Answers, options: SubmissionOptions): Sent {
	return new Sent(answers, options);
}

// ---- the scenario -------------------------------------------------------------------------

type CategoryOptions = NonNullable<Parameters<typeof newSignboardCategory>[1]>;

export interface ScenarioOptions<P extends string, U extends string, C extends string = never> {
	/** The tree's province code, or false for a database without regions. Default '64'. */
	tree?: string | false;
	/** More provinces, each with a tree of the same shape, built after the first. */
	trees?: string[];
	/** Named points, created in this order. Default none. */
	points?: Record<P, PointSpec>;
	/** Named users, created in this order after the points. Default none. */
	users?: Record<U, UserSpec>;
	/** Named signboard categories in the catalogue. */
	categories?: Record<C, CategoryOptions>;
	/** A template with one published version of this definition; needed for rounds. */
	definition?: ChecklistDefinition;
	/** One opened quarterly round per quarter, in order. Default none. */
	quarters?: Quarter[];
	/** A round's name. Default `${period}轮次`. */
	roundName?: (q: Quarter, index: number) => string;
	/**
	 * What a point answers in a quarter's round (sent and accepted; `sent` for more), or null for
	 * nothing: a function, or a table of each point's answers by quarter index (missing: nothing).
	 */
	answers?: ((point: P, index: number, q: Quarter) => Answered) | Partial<Record<P, Answered[]>>;
	/** Indexes into `quarters` of the rounds to close once every submission is in. */
	closeRounds?: number[];
	/** Environment variables pointed at a new temp folder each (name → folder prefix), restored on close. */
	tempDirs?: Record<string, string>;
	/** Awaited before the database closes (say, letting a background worker finish). */
	beforeClose?: (db: Db) => unknown;
}

export interface Scenario<P extends string = string, U extends string = string, C extends string = string> {
	db: Db;
	/** Settles (`beforeClose`), closes and removes the database, removes the temp folders, restores the env. */
	close: () => Promise<void>;
	tree: RegionTree;
	/** The other `trees`, by province. */
	trees: Record<string, RegionTree>;
	points: Record<P, PointRef>;
	users: Record<U, TestUser>;
	/** The signboard categories' ids. */
	categories: Record<C, number>;
	/** The template and its version; 0 without a definition. */
	templateId: number;
	versionId: number;
	/** The rounds, one per quarter in order. */
	rounds: number[];
	/** Each point's submission id per quarter index (undefined where it answered nothing). */
	submissions: Record<P, (number | undefined)[]>;
	/** The temp folder behind each of `tempDirs`. */
	dirs: Record<string, string>;
}

/**
 * The usual world of the report and trend tests, to spread and add to: the standard points and
 * users, the meetings checklist, 2025 Q1–Q3.
 */
export const MEETINGS_WORLD: ScenarioOptions<keyof typeof STANDARD_POINTS, keyof typeof STANDARD_USERS> = {
	points: STANDARD_POINTS,
	users: STANDARD_USERS,
	definition: meetingsDefinition(),
	quarters: QUARTERS_2025
};

/**
 * One user of each role over the own village's point: an admin, an analyst of the city, a reviewer
 * of the county and the village's staff (for the pages that differ only by who is asking).
 */
export const EACH_ROLE_WORLD: ScenarioOptions<'own', 'admin' | 'analyst' | 'reviewer' | 'staff'> = {
	points: { own: 'village' },
	users: {
		admin: 'admin',
		analyst: ['analyst', 'city'],
		reviewer: ['reviewer', 'county'],
		staff: ['staff', 'village']
	}
};

/** Points a variable at a fresh temp folder; the returned function removes it and restores the variable. */
export function tempEnvDir(name: string, prefix: string): { dir: string; restore: () => void } {
	const previous = process.env[name];
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	process.env[name] = dir;
	return {
		dir,
		restore: () => {
			fs.rmSync(dir, { recursive: true, force: true });
			if (previous === undefined) delete process.env[name];
			else process.env[name] = previous;
		}
	};
}

export async function buildScenario<
	P extends string = never,
	U extends string = never,
	C extends string = never
>(options: ScenarioOptions<P, U, C> = {}): Promise<Scenario<P, U, C>> {
	const envDirs = Object.entries(options.tempDirs ?? {}).map(([name, prefix]) => ({
		name,
		...tempEnvDir(name, prefix)
	}));
	const opened = await freshDatabase();
	const db = opened.db;
	const close = async () => {
		await options.beforeClose?.(db);
		await opened.close();
		for (const d of envDirs.reverse()) d.restore();
	};
	try {
		const tree = options.tree === false ? ({} as RegionTree) : await newRegionTree(db, options.tree ?? '64');
		const trees: Record<string, RegionTree> = {};
		for (const province of options.trees ?? []) trees[province] = await newRegionTree(db, province);
		const at = (place: Place, province?: string) => {
			const code = (province === undefined ? tree : trees[province])?.[place];
			if (!code) throw new Error(`the scenario has no tree for ${province ?? 'its'} ${place}`);
			return code;
		};
		const points = {} as Record<P, PointRef>;
		for (const [name, spec] of Object.entries(options.points ?? {}) as [P, PointSpec][]) {
			const { at: place, tree: province, type } = typeof spec === 'string' ? { at: spec } : spec;
			points[name] = await newPoint(
				db,
				at(place, province),
				type ?? (place === 'community' ? 'community' : 'village')
			);
		}
		const users = {} as Record<U, TestUser>;
		for (const [name, spec] of Object.entries(options.users ?? {}) as [U, UserSpec][]) {
			const {
				role,
				at: place,
				username
			} = typeof spec === 'string' ? { role: spec } : 'role' in spec ? spec : { role: spec[0], at: spec[1] };
			users[name] = await newUser(db, role, place ? at(place) : null, { username });
		}

		const categories = {} as Record<C, number>;
		for (const [name, spec] of Object.entries(options.categories ?? {}) as [C, CategoryOptions][])
			categories[name] = await newSignboardCategory(db, spec);

		const template = options.definition
			? await newTemplate(db, options.definition)
			: { templateId: 0, versionId: 0 };
		const rounds: number[] = [];
		const submissions = Object.fromEntries(Object.keys(points).map((p) => [p, []])) as unknown as Record<
			P,
			(number | undefined)[]
		>;
		for (const [i, q] of (options.quarters ?? []).entries()) {
			if (!options.definition) throw new Error('rounds need a definition');
			const name = options.roundName?.(q, i) ?? `${q.period}轮次`;
			const round = await newRound(db, template.versionId, { name, periodKind: 'quarter', ...q });
			rounds.push(round);
			for (const p of Object.keys(points) as P[]) {
				const { answers: given } = options;
				const answered = (typeof given === 'function' ? given(p, i, q) : given?.[p]?.[i]) ?? null;
				if (answered === null) continue;
				const { answers, options: sendOptions } =
					answered instanceof Sent ? answered : { answers: answered, options: {} };
				submissions[p][i] = await newSubmission(db, round, points[p].id, answers, sendOptions);
			}
		}
		for (const i of options.closeRounds ?? []) await closeRound(db, null, rounds[i]);

		return {
			db,
			close,
			tree,
			trees,
			points,
			users,
			categories,
			...template,
			rounds,
			submissions,
			dirs: Object.fromEntries(envDirs.map((d) => [d.name, d.dir]))
		};
	} catch (e) {
		await close();
		throw e;
	}
}

/**
 * Registers the hooks that build the scenario before each test (`fresh: 'each'`: no test sees
 * another's writes) or once for the file (`fresh: 'all'`: for tests that only read it), and close
 * it after. The returned object is filled in by the hook; its tree, trees, points, users,
 * categories, rounds, submissions and dirs stay the same objects from build to build, so they can
 * be destructured once at the top of a file (`db`, `close` and the template ids must be read from
 * the object).
 */
export function useScenario<P extends string = never, U extends string = never, C extends string = never>(
	options: ScenarioOptions<P, U, C>,
	{ fresh, timeout }: { fresh: 'each' | 'all'; timeout?: number }
): Scenario<P, U, C> {
	const s = {
		tree: {},
		trees: {},
		points: {},
		users: {},
		categories: {},
		rounds: [],
		submissions: {},
		dirs: {}
	} as unknown as Scenario<P, U, C>;
	const before = fresh === 'each' ? beforeEach : beforeAll;
	const after = fresh === 'each' ? afterEach : afterAll;
	before(async () => {
		const built = await buildScenario(options);
		Object.assign(s.tree, built.tree);
		for (const [province, tree] of Object.entries(built.trees))
			s.trees[province] = Object.assign(s.trees[province] ?? {}, tree);
		Object.assign(s.points, built.points);
		Object.assign(s.users, built.users);
		Object.assign(s.categories, built.categories);
		Object.assign(s.submissions, built.submissions);
		Object.assign(s.dirs, built.dirs);
		s.rounds.splice(0, s.rounds.length, ...built.rounds);
		s.db = built.db;
		s.close = built.close;
		s.templateId = built.templateId;
		s.versionId = built.versionId;
	}, timeout);
	after(() => s.close?.(), timeout);
	return s;
}
