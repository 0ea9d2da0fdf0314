// The two catalogues the registers point at: signboard categories (取消 / 规范保留, with where the
// sign hangs) and certificate items (取消 / 保留, with the basis). Entries are never deleted, only
// deactivated, so registers that name them keep their history. Reading and importing a file is
// catalogue-import.service.ts; the tables are catalogues.repository.ts.
import { diff, writeAudit } from '../audit/audit.repository';
import { now, type Db } from '../db';
import type { CatalogueKind } from '../../domain/catalogues';
import { refuse } from '../refusal';
import { requestRebuild, startRebuilds } from '../trends/indicators.service';
import {
	catalogueHasEntries,
	certificateItemById,
	entryActive,
	hasActiveEntryNamed,
	insertCertificateItem,
	insertCertificateItems,
	insertSignboardCategories,
	insertSignboardCategory,
	listCertificateItemRows,
	listSignboardCategoryRows,
	nameInUse,
	setEntryActiveRow,
	signboardCategoryById,
	updateCertificateItemRow,
	updateSignboardCategoryRow,
	type CertificateInput,
	type SignboardInput
} from './catalogues.repository';

export type { CatalogueKind } from '../../domain/catalogues';
export type {
	CertificateInput,
	CertificateItem,
	SignboardCategory,
	SignboardInput
} from './catalogues.repository';
export { CATALOGUE_MAX_FILE_BYTES } from '../imports/guarded-reader';

// Active entries first, then by status and name, so the list reads like the published one.
export function listSignboardCategories(db: Db, options: { activeOnly?: boolean } = {}) {
	return listSignboardCategoryRows(db, !!options.activeOnly);
}

export function listCertificateItems(db: Db, options: { activeOnly?: boolean } = {}) {
	return listCertificateItemRows(db, !!options.activeOnly);
}

export const findSignboardCategory = signboardCategoryById;
export const findCertificateItem = certificateItemById;

/** A create or rename onto a name another entry of the same catalogue already has. */
async function refuseTakenName(trx: Db, kind: CatalogueKind, name: string, exceptId?: number) {
	if (await nameInUse(trx, kind, name, exceptId)) refuse('name', 'catalogue_name_taken');
}

export async function createSignboardCategory(db: Db, actorId: number | null, input: SignboardInput) {
	const name = input.name.trim();
	return db.transaction().execute(async (trx) => {
		await refuseTakenName(trx, 'signboard', name);
		const row = { name, status: input.status, placement: input.placement, note: input.note };
		const id = await insertSignboardCategory(trx, row, now());
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
		const before = await signboardCategoryById(trx, id);
		if (!before) throw new Error(`no signboard category ${id}`);
		await refuseTakenName(trx, 'signboard', name, id);
		const after = { name, status: input.status, placement: input.placement, note: input.note };
		const changes = diff(before, after);
		if (Object.keys(changes).length === 0) return;
		await updateSignboardCategoryRow(trx, id, after);
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
	return setEntryActive(db, actorId, 'signboard', id, active);
}

export async function createCertificateItem(db: Db, actorId: number | null, input: CertificateInput) {
	const name = input.name.trim();
	return db.transaction().execute(async (trx) => {
		await refuseTakenName(trx, 'certificate', name);
		const row = { name, status: input.status, basis: input.basis };
		const id = await insertCertificateItem(trx, row, now());
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
		const before = await certificateItemById(trx, id);
		if (!before) throw new Error(`no certificate item ${id}`);
		await refuseTakenName(trx, 'certificate', name, id);
		const after = { name, status: input.status, basis: input.basis };
		const changes = diff(before, after);
		if (Object.keys(changes).length === 0) return;
		await updateCertificateItemRow(trx, id, after);
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
	return setEntryActive(db, actorId, 'certificate', id, active);
}

const entityTypeOf = { signboard: 'signboard_category', certificate: 'certificate_item' } as const;

/** Deactivating keeps the entry, so registers that use it keep their history. */
async function setEntryActive(
	db: Db,
	actorId: number | null,
	kind: CatalogueKind,
	id: number,
	active: boolean
): Promise<void> {
	const entityType = entityTypeOf[kind];
	await db.transaction().execute(async (trx) => {
		const wasActive = await entryActive(trx, kind, id);
		if (wasActive === undefined) throw new Error(`no ${entityType} ${id}`);
		if (wasActive === active) return;
		await setEntryActiveRow(trx, kind, id, active);
		await writeAudit(trx, {
			userId: actorId,
			action: `${entityType}.${active ? 'activate' : 'deactivate'}`,
			entityType,
			entityId: id
		});
	});
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
		if ((await catalogueHasEntries(trx, 'signboard')) || (await catalogueHasEntries(trx, 'certificate')))
			return false;
		const at = now();
		await insertSignboardCategories(trx, starterSignboards, at);
		await insertCertificateItems(trx, starterCertificates, at);
		await writeAudit(trx, {
			userId: null,
			action: 'catalogue.starter',
			entityType: 'catalogue',
			changes: { signboards: starterSignboards.length, certificates: starterCertificates.length }
		});
		return true;
	});
}

const starterNames = [...new Set([...starterSignboards, ...starterCertificates].map((s) => s.name))];

/** Whether the catalogues still hold active sample entries, which the admin should replace. */
export async function hasStarterEntries(db: Db): Promise<boolean> {
	const [a, b] = await Promise.all([
		hasActiveEntryNamed(db, 'signboard', starterNames),
		hasActiveEntryNamed(db, 'certificate', starterNames)
	]);
	return a || b;
}
