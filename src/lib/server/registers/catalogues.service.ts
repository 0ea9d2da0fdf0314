// The two catalogues the registers point at: signboard categories (取消 / 规范保留, with where the
// sign hangs) and certificate items (取消 / 保留, with the basis). Entries are never deleted, only
// deactivated, so registers that name them keep their history.
import { diff, writeAudit } from '../audit/audit.repository';
import { now, type Db } from '../db';
import type { Database } from '../db/schema';
import type { Selectable } from 'kysely';
import type {
	CatalogueKind,
	CertificateStatus,
	SignboardPlacement,
	SignboardStatus
} from '../../domain/catalogues';
import {
	CATALOGUE_LIMITS,
	CATALOGUE_MAX_FILE_BYTES,
	CATALOGUE_MAX_ROWS,
	readTable,
	type ReadProblem
} from '../imports/guarded-reader';
import { requestRebuild, startRebuilds } from '../trends/indicators.service';

export type { CatalogueKind } from '../../domain/catalogues';

export { CATALOGUE_MAX_FILE_BYTES };
const MAX_ROWS = CATALOGUE_MAX_ROWS;
const MAX_NAME = 200;
const MAX_TEXT = 2000;

export interface SignboardCategory {
	id: number;
	name: string;
	status: SignboardStatus;
	placement: SignboardPlacement;
	note: string | null;
	active: boolean;
}

export interface CertificateItem {
	id: number;
	name: string;
	status: CertificateStatus;
	basis: string | null;
	active: boolean;
}

export interface SignboardInput {
	name: string;
	status: SignboardStatus;
	placement: SignboardPlacement;
	note: string | null;
}

export interface CertificateInput {
	name: string;
	status: CertificateStatus;
	basis: string | null;
}

/** A create or rename onto a name another entry already has. */
export class CatalogueNameTaken extends Error {
	constructor(readonly name: string) {
		super(`name taken: ${name}`);
	}
}

const toSignboard = (r: Selectable<Database['signboard_categories']>): SignboardCategory => ({
	id: r.id,
	name: r.name,
	status: r.status,
	placement: r.placement,
	note: r.note,
	active: r.active === 1
});

const toCertificate = (r: Selectable<Database['certificate_items']>): CertificateItem => ({
	id: r.id,
	name: r.name,
	status: r.status,
	basis: r.basis,
	active: r.active === 1
});

// Active entries first, then by status and name, so the list reads like the published one.
export async function listSignboardCategories(db: Db, options: { activeOnly?: boolean } = {}) {
	const rows = await db
		.selectFrom('signboard_categories')
		.selectAll()
		.$if(!!options.activeOnly, (q) => q.where('active', '=', 1))
		.orderBy('active', 'desc')
		.orderBy('status')
		.orderBy('placement')
		.orderBy('name')
		.execute();
	return rows.map(toSignboard);
}

export async function listCertificateItems(db: Db, options: { activeOnly?: boolean } = {}) {
	const rows = await db
		.selectFrom('certificate_items')
		.selectAll()
		.$if(!!options.activeOnly, (q) => q.where('active', '=', 1))
		.orderBy('active', 'desc')
		.orderBy('status')
		.orderBy('name')
		.execute();
	return rows.map(toCertificate);
}

export async function findSignboardCategory(db: Db, id: number): Promise<SignboardCategory | undefined> {
	const row = await db.selectFrom('signboard_categories').selectAll().where('id', '=', id).executeTakeFirst();
	return row && toSignboard(row);
}

export async function findCertificateItem(db: Db, id: number): Promise<CertificateItem | undefined> {
	const row = await db.selectFrom('certificate_items').selectAll().where('id', '=', id).executeTakeFirst();
	return row && toCertificate(row);
}

async function nameTaken(
	trx: Db,
	table: 'signboard_categories' | 'certificate_items',
	name: string,
	exceptId?: number
): Promise<boolean> {
	const row = await trx
		.selectFrom(table)
		.select('id')
		.where('name', '=', name)
		.$if(exceptId != null, (q) => q.where('id', '!=', exceptId!))
		.executeTakeFirst();
	return !!row;
}

export async function createSignboardCategory(db: Db, actorId: number | null, input: SignboardInput) {
	const name = input.name.trim();
	return db.transaction().execute(async (trx) => {
		if (await nameTaken(trx, 'signboard_categories', name)) throw new CatalogueNameTaken(name);
		const row = { name, status: input.status, placement: input.placement, note: input.note };
		const { id } = await trx
			.insertInto('signboard_categories')
			.values({ ...row, active: 1, created_at: now() })
			.returning('id')
			.executeTakeFirstOrThrow();
		await writeAudit(trx, {
			userId: actorId,
			action: 'signboard_category.create',
			entityType: 'signboard_category',
			entityId: id,
			changes: row
		});
		return id;
	});
}

export async function updateSignboardCategory(
	db: Db,
	actorId: number | null,
	id: number,
	input: SignboardInput
): Promise<void> {
	const name = input.name.trim();
	await db.transaction().execute(async (trx) => {
		const before = await trx
			.selectFrom('signboard_categories')
			.selectAll()
			.where('id', '=', id)
			.executeTakeFirst();
		if (!before) throw new Error(`no signboard category ${id}`);
		if (await nameTaken(trx, 'signboard_categories', name, id)) throw new CatalogueNameTaken(name);
		const after = { name, status: input.status, placement: input.placement, note: input.note };
		const changes = diff(before, after);
		if (Object.keys(changes).length === 0) return;
		await trx.updateTable('signboard_categories').set(after).where('id', '=', id).execute();
		await writeAudit(trx, {
			userId: actorId,
			action: 'signboard_category.update',
			entityType: 'signboard_category',
			entityId: id,
			changes
		});
		// A category or item changing between cancelled and kept changes every point's figures.
		if (changes.status) await requestRebuild(trx, { reason: 'catalogue', actorId });
	});
	startRebuilds(db);
}

export function setSignboardCategoryActive(db: Db, actorId: number | null, id: number, active: boolean) {
	return setEntryActive(db, actorId, 'signboard_categories', 'signboard_category', id, active);
}

export async function createCertificateItem(db: Db, actorId: number | null, input: CertificateInput) {
	const name = input.name.trim();
	return db.transaction().execute(async (trx) => {
		if (await nameTaken(trx, 'certificate_items', name)) throw new CatalogueNameTaken(name);
		const row = { name, status: input.status, basis: input.basis };
		const { id } = await trx
			.insertInto('certificate_items')
			.values({ ...row, active: 1, created_at: now() })
			.returning('id')
			.executeTakeFirstOrThrow();
		await writeAudit(trx, {
			userId: actorId,
			action: 'certificate_item.create',
			entityType: 'certificate_item',
			entityId: id,
			changes: row
		});
		return id;
	});
}

export async function updateCertificateItem(
	db: Db,
	actorId: number | null,
	id: number,
	input: CertificateInput
): Promise<void> {
	const name = input.name.trim();
	await db.transaction().execute(async (trx) => {
		const before = await trx
			.selectFrom('certificate_items')
			.selectAll()
			.where('id', '=', id)
			.executeTakeFirst();
		if (!before) throw new Error(`no certificate item ${id}`);
		if (await nameTaken(trx, 'certificate_items', name, id)) throw new CatalogueNameTaken(name);
		const after = { name, status: input.status, basis: input.basis };
		const changes = diff(before, after);
		if (Object.keys(changes).length === 0) return;
		await trx.updateTable('certificate_items').set(after).where('id', '=', id).execute();
		await writeAudit(trx, {
			userId: actorId,
			action: 'certificate_item.update',
			entityType: 'certificate_item',
			entityId: id,
			changes
		});
		// A category or item changing between cancelled and kept changes every point's figures.
		if (changes.status) await requestRebuild(trx, { reason: 'catalogue', actorId });
	});
	startRebuilds(db);
}

export function setCertificateItemActive(db: Db, actorId: number | null, id: number, active: boolean) {
	return setEntryActive(db, actorId, 'certificate_items', 'certificate_item', id, active);
}

/** Deactivating keeps the entry, so registers that use it keep their history. */
async function setEntryActive(
	db: Db,
	actorId: number | null,
	table: 'signboard_categories' | 'certificate_items',
	entityType: 'signboard_category' | 'certificate_item',
	id: number,
	active: boolean
): Promise<void> {
	await db.transaction().execute(async (trx) => {
		const before = await trx.selectFrom(table).select('active').where('id', '=', id).executeTakeFirst();
		if (!before) throw new Error(`no ${entityType} ${id}`);
		if ((before.active === 1) === active) return;
		await trx
			.updateTable(table)
			.set({ active: active ? 1 : 0 })
			.where('id', '=', id)
			.execute();
		await writeAudit(trx, {
			userId: actorId,
			action: `${entityType}.${active ? 'activate' : 'deactivate'}`,
			entityType,
			entityId: id
		});
	});
}

// ---------------------------------------------------------------------------------------------
// Import

export type CatalogueProblemReason =
	| 'too_big'
	| 'part_too_big'
	| 'unsupported_type'
	| 'unreadable'
	| 'not_utf8'
	| 'empty_file'
	| 'too_many_rows'
	| 'too_many_columns'
	| 'cell_too_long'
	| 'control_char'
	| 'missing_column'
	| 'missing_name'
	| 'name_too_long'
	| 'text_too_long'
	| 'missing_status'
	| 'unknown_status'
	| 'missing_placement'
	| 'unknown_placement'
	| 'duplicate_name';

export interface CatalogueProblem {
	/** 1-based line (CSV) or row number (XLSX), the header being the first; 0 for the whole file. */
	line: number;
	reason: CatalogueProblemReason;
	/** The value at fault, the missing column, the limit reached, or the line of the first occurrence. */
	detail?: string;
	/** 1-based column, for a problem in one cell. */
	column?: number;
}

export interface CatalogueImportOutcome {
	ok: boolean;
	problems: CatalogueProblem[];
	added: number;
	updated: number;
	/** Rows naming an existing entry that already matched the file. */
	unchanged: number;
}

type Field = 'name' | 'status' | 'placement' | 'text';

// Headers compare after lower-casing and dropping spaces, asterisks and bracketed remarks, so
// "名称*" or "Status (取消/保留)" still count.
const headerAliases: Record<CatalogueKind, Record<Field, string[]>> = {
	signboard: {
		name: ['名称', '名字', '类别', '类别名称', '标牌名称', '牌子名称', 'name', 'category'],
		status: ['状态', '处理', '处理方式', 'status'],
		placement: ['位置', '类型', '标牌类型', '位置类型', 'placement', 'location', 'type'],
		text: ['说明', '备注', 'note', 'notes', 'remark', 'remarks']
	},
	certificate: {
		name: ['名称', '名字', '事项', '事项名称', '证明事项', '证明名称', '证明事项名称', 'name', 'item'],
		status: ['状态', '处理', '处理方式', 'status'],
		placement: [],
		text: ['依据', '设定依据', '法律依据', '说明', '备注', 'basis', 'note', 'notes']
	}
};

const statusAliases: Record<CatalogueKind, Record<string, string>> = {
	signboard: {
		取消: 'cancelled',
		已取消: 'cancelled',
		cancelled: 'cancelled',
		canceled: 'cancelled',
		cancel: 'cancelled',
		保留: 'kept',
		规范保留: 'kept',
		规范: 'kept',
		kept: 'kept',
		keep: 'kept',
		retained: 'kept'
	},
	certificate: {
		取消: 'cancelled',
		已取消: 'cancelled',
		cancelled: 'cancelled',
		canceled: 'cancelled',
		cancel: 'cancelled',
		保留: 'retained',
		规范保留: 'retained',
		retained: 'retained',
		retain: 'retained',
		kept: 'retained',
		keep: 'retained'
	}
};

const placementAliases: Record<string, SignboardPlacement> = {
	外挂标牌: 'exterior',
	外挂: 'exterior',
	室外标牌: 'exterior',
	室外: 'exterior',
	exterior: 'exterior',
	outside: 'exterior',
	室内门牌: 'interior',
	门牌: 'interior',
	室内: 'interior',
	interior: 'interior',
	inside: 'interior',
	上墙制度: 'wall',
	上墙: 'wall',
	制度上墙: 'wall',
	wall: 'wall'
};

const squash = (s: string) => s.toLowerCase().replace(/\s+/g, '');
const headerKey = (s: string) => squash(s.replace(/[(（][^)）]*[)）]/g, '')).replace(/[*＊:：]/g, '');

/** The reader's problem in the catalogue's terms; the row cap is told in data rows. */
function fromReadProblem(p: ReadProblem): CatalogueProblem {
	const at = { line: p.line, ...(p.column != null && { column: p.column }) };
	switch (p.reason) {
		case 'too_many_rows':
			return { ...at, reason: 'too_many_rows', detail: String(MAX_ROWS) };
		case 'too_many_columns':
		case 'cell_too_long':
		case 'part_too_big':
			return { ...at, reason: p.reason, detail: String(p.limit) };
		default:
			return { ...at, reason: p.reason };
	}
}

interface CatalogueRow {
	line: number;
	name: string;
	status: string;
	placement: SignboardPlacement | null;
	/** undefined when the file has no such column: a re-import then keeps the stored text. */
	text: string | null | undefined;
}

/** Reads and checks every row; nothing touches the database. */
export async function parseCatalogueFile(
	kind: CatalogueKind,
	file: { name: string; bytes: Uint8Array }
): Promise<{ rows: CatalogueRow[]; problems: CatalogueProblem[] }> {
	const fail = (problem: CatalogueProblem) => ({ rows: [], problems: [problem] });
	const parsed = await readTable(file, CATALOGUE_LIMITS);
	if ('unsupported' in parsed) return fail({ line: 0, reason: 'unsupported_type', detail: file.name });
	if (parsed.problem) return fail(fromReadProblem(parsed.problem));

	// The reader gives cells normalised and trimmed.
	const records = parsed.rows.filter((r) => r.cells.some((c) => c !== ''));
	if (records.length === 0) return fail({ line: 0, reason: 'empty_file' });
	if (records.length - 1 > MAX_ROWS)
		return fail({ line: 0, reason: 'too_many_rows', detail: String(MAX_ROWS) });

	const columnsOf = (cells: string[]) => {
		const keys = cells.map(headerKey);
		const columnOf = (field: Field) => {
			const aliases = headerAliases[kind][field].map(headerKey);
			return keys.findIndex((k) => aliases.includes(k));
		};
		return {
			name: columnOf('name'),
			status: columnOf('status'),
			placement: columnOf('placement'),
			text: columnOf('text')
		};
	};
	// Published lists often carry a title row (or two) above the header; the header is the first
	// of the top rows naming both the name and the status column.
	const headerAt = Math.max(
		0,
		records.slice(0, 5).findIndex((r) => {
			const c = columnsOf(r.cells);
			return c.name >= 0 && c.status >= 0;
		})
	);
	const header = records[headerAt];
	const body = records.slice(headerAt + 1);
	const at = columnsOf(header.cells);
	const problems: CatalogueProblem[] = [];
	const required: Field[] = kind === 'signboard' ? ['name', 'status', 'placement'] : ['name', 'status'];
	for (const field of required) {
		if (at[field] < 0) problems.push({ line: header.line, reason: 'missing_column', detail: field });
	}
	if (problems.length) return { rows: [], problems };

	const rows: CatalogueRow[] = [];
	const firstLine = new Map<string, number>();
	for (const { line, cells } of body) {
		const cell = (i: number) => (i >= 0 ? (cells[i] ?? '') : '');
		const name = cell(at.name).replace(/\s+/g, ' ');
		const rawStatus = cell(at.status);
		const rawPlacement = cell(at.placement);
		const text = at.text < 0 ? undefined : cell(at.text) || null;
		const before = problems.length;

		if (!name) problems.push({ line, reason: 'missing_name' });
		else if (name.length > MAX_NAME)
			problems.push({ line, reason: 'name_too_long', detail: String(MAX_NAME) });
		else {
			const first = firstLine.get(name);
			if (first != null) problems.push({ line, reason: 'duplicate_name', detail: String(first) });
			else firstLine.set(name, line);
		}
		const status = statusAliases[kind][squash(rawStatus)];
		if (!rawStatus) problems.push({ line, reason: 'missing_status' });
		else if (!status) problems.push({ line, reason: 'unknown_status', detail: rawStatus });
		let placement: SignboardPlacement | null = null;
		if (kind === 'signboard') {
			placement = placementAliases[squash(rawPlacement)] ?? null;
			if (!rawPlacement) problems.push({ line, reason: 'missing_placement' });
			else if (!placement) problems.push({ line, reason: 'unknown_placement', detail: rawPlacement });
		}
		if (text && text.length > MAX_TEXT)
			problems.push({ line, reason: 'text_too_long', detail: String(MAX_TEXT) });
		if (problems.length === before) rows.push({ line, name, status, placement, text });
	}
	if (rows.length === 0 && problems.length === 0) return fail({ line: 0, reason: 'empty_file' });
	return { rows, problems };
}

/**
 * All or nothing: when any row is bad nothing is written and every bad row is reported. A name
 * the catalogue already has updates that entry (and brings it back if it was deactivated), so
 * importing the region's revised list again is how it is kept current.
 */
export async function importCatalogue(
	db: Db,
	kind: CatalogueKind,
	file: { name: string; bytes: Uint8Array },
	actorId: number | null
): Promise<CatalogueImportOutcome> {
	const { rows, problems } = await parseCatalogueFile(kind, file);
	if (problems.length) return { ok: false, problems, added: 0, updated: 0, unchanged: 0 };

	const result = await db.transaction().execute(async (trx) => {
		const table = kind === 'signboard' ? 'signboard_categories' : 'certificate_items';
		const textColumn = kind === 'signboard' ? 'note' : 'basis';
		const existing = new Map<string, Record<string, unknown> & { id: number }>();
		const names = rows.map((r) => r.name);
		for (let i = 0; i < names.length; i += 500) {
			const found = await trx
				.selectFrom(table)
				.selectAll()
				.where('name', 'in', names.slice(i, i + 500))
				.execute();
			for (const r of found) existing.set(r.name, r as Record<string, unknown> & { id: number });
		}
		const added: string[] = [];
		const updated: { name: string; changes: Record<string, [unknown, unknown]> }[] = [];
		let unchanged = 0;
		const at = now();
		for (const row of rows) {
			const values: Record<string, unknown> = { status: row.status };
			if (kind === 'signboard') values.placement = row.placement;
			if (row.text !== undefined) values[textColumn] = row.text;
			const before = existing.get(row.name);
			if (!before) {
				if (kind === 'signboard') {
					await trx
						.insertInto('signboard_categories')
						.values({
							name: row.name,
							status: row.status as SignboardStatus,
							placement: row.placement!,
							note: row.text ?? null,
							active: 1,
							created_at: at
						})
						.execute();
				} else {
					await trx
						.insertInto('certificate_items')
						.values({
							name: row.name,
							status: row.status as CertificateStatus,
							basis: row.text ?? null,
							active: 1,
							created_at: at
						})
						.execute();
				}
				added.push(row.name);
				continue;
			}
			values.active = 1;
			const changes = diff(before, values);
			if (Object.keys(changes).length === 0) {
				unchanged++;
				continue;
			}
			await trx.updateTable(table).set(values).where('id', '=', before.id).execute();
			updated.push({ name: row.name, changes });
		}
		await writeAudit(trx, {
			userId: actorId,
			action: 'catalogue.import',
			entityType: kind === 'signboard' ? 'signboard_category' : 'certificate_item',
			changes: { file: file.name, added, updated, unchanged }
		});
		if (updated.some((u) => 'status' in u.changes))
			await requestRebuild(trx, { reason: 'catalogue', actorId });
		return { ok: true, problems: [], added: added.length, updated: updated.length, unchanged };
	});
	startRebuilds(db);
	return result;
}

// ---------------------------------------------------------------------------------------------
// Starter catalogue

// A sample drawn from the kinds of lists regions have published; not any region's official list.
// The admin page says so and asks for the region's own list to be imported in its place.
export const starterSignboards: SignboardInput[] = [
	{
		name: '党群服务中心',
		status: 'kept',
		placement: 'exterior',
		note: '村（社区）党组织和自治组织的统一标识。'
	},
	{ name: '村（居）民委员会', status: 'kept', placement: 'exterior', note: null },
	{ name: '综治中心', status: 'kept', placement: 'exterior', note: '综合治理中心，规范为一块外挂标牌。' },
	{ name: '新时代文明实践站', status: 'kept', placement: 'exterior', note: null },
	{ name: '便民服务站', status: 'kept', placement: 'interior', note: '以室内门牌标识功能室。' },
	{
		name: '创建文明城市领导小组办公室',
		status: 'cancelled',
		placement: 'exterior',
		note: '临时性工作机构，不在村（社区）挂牌。'
	},
	{ name: '老龄工作委员会', status: 'cancelled', placement: 'exterior', note: null },
	{ name: '双拥工作领导小组', status: 'cancelled', placement: 'exterior', note: null },
	{ name: '消费者协会联络站', status: 'cancelled', placement: 'interior', note: null },
	{ name: '村务公开制度', status: 'kept', placement: 'wall', note: '法定公开内容保留上墙。' },
	{ name: '各类领导小组职责及成员名单', status: 'cancelled', placement: 'wall', note: '不再要求上墙。' }
];

export const starterCertificates: CertificateInput[] = [
	{ name: '亲属关系证明', status: 'cancelled', basis: null },
	{ name: '无犯罪记录证明（公安出具）', status: 'cancelled', basis: '由公安机关出具，村（社区）不再开具。' },
	{ name: '居住证明', status: 'cancelled', basis: null },
	{ name: '出生证明', status: 'cancelled', basis: '由医疗机构出具。' },
	{ name: '婚姻状况证明', status: 'cancelled', basis: '由民政部门依婚姻登记档案查询。' },
	{
		name: '死亡证明（正常死亡，在家中）',
		status: 'retained',
		basis: '《人口死亡医学证明和信息登记管理暂行办法》：由村（居）委会出具死亡证明，经乡镇卫生院核实。'
	},
	{
		name: '家庭经济困难情况证明',
		status: 'retained',
		basis: '《最低生活保障审核确认办法》：村（居）委会协助调查核实家庭经济状况。'
	},
	{ name: '生存证明（领取养老金资格认证）', status: 'cancelled', basis: '改为社保部门信息比对和自助认证。' }
];

/**
 * Puts the sample catalogues in place on a new installation. Runs only when both catalogues are
 * empty, so it never brings back entries an admin has replaced; safe at every start.
 */
export async function ensureStarterCatalogues(db: Db): Promise<boolean> {
	return db.transaction().execute(async (trx) => {
		const signboards = await trx.selectFrom('signboard_categories').select('id').limit(1).executeTakeFirst();
		const certificates = await trx.selectFrom('certificate_items').select('id').limit(1).executeTakeFirst();
		if (signboards || certificates) return false;
		const at = now();
		await trx
			.insertInto('signboard_categories')
			.values(starterSignboards.map((s) => ({ ...s, active: 1 as const, created_at: at })))
			.execute();
		await trx
			.insertInto('certificate_items')
			.values(starterCertificates.map((c) => ({ ...c, active: 1 as const, created_at: at })))
			.execute();
		await writeAudit(trx, {
			userId: null,
			action: 'catalogue.starter',
			entityType: 'catalogue',
			changes: { signboards: starterSignboards.length, certificates: starterCertificates.length }
		});
		return true;
	});
}

const starterNames = new Set([...starterSignboards, ...starterCertificates].map((s) => s.name));

/** Whether the catalogues still hold active sample entries, which the admin should replace. */
export async function hasStarterEntries(db: Db): Promise<boolean> {
	const names = [...starterNames];
	const [a, b] = await Promise.all([
		db
			.selectFrom('signboard_categories')
			.select('id')
			.where('active', '=', 1)
			.where('name', 'in', names)
			.limit(1)
			.executeTakeFirst(),
		db
			.selectFrom('certificate_items')
			.select('id')
			.where('active', '=', 1)
			.where('name', 'in', names)
			.limit(1)
			.executeTakeFirst()
	]);
	return !!(a || b);
}
