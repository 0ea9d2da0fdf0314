// The two catalogues' tables: signboard_categories and certificate_items. SQL and row mapping
// only; what may be written, and when, is catalogues.service.ts's and catalogue-import.service.ts's.
import type { Selectable } from 'kysely';
import type { Db } from '../db';
import type { Database } from '../db/schema';
import type {
	CatalogueKind,
	CertificateStatus,
	SignboardPlacement,
	SignboardStatus
} from '../../domain/catalogues';

export type SignboardCategory = {
	id: number;
	name: string;
	status: SignboardStatus;
	placement: SignboardPlacement;
	note: string | null;
	active: boolean;
};

export type CertificateItem = {
	id: number;
	name: string;
	status: CertificateStatus;
	basis: string | null;
	active: boolean;
};

export type SignboardInput = {
	name: string;
	status: SignboardStatus;
	placement: SignboardPlacement;
	note: string | null;
};

export type CertificateInput = {
	name: string;
	status: CertificateStatus;
	basis: string | null;
};

type SignboardRow = Selectable<Database['signboard_categories']>;
type CertificateRow = Selectable<Database['certificate_items']>;
/** A stored entry as the table has it (active is 0 or 1), for comparing with a file's row. */
export type CatalogueRow = SignboardRow | CertificateRow;

const tableOf = { signboard: 'signboard_categories', certificate: 'certificate_items' } as const;

const toSignboard = (r: SignboardRow): SignboardCategory => ({
	id: r.id,
	name: r.name,
	status: r.status,
	placement: r.placement,
	note: r.note,
	active: r.active === 1
});

const toCertificate = (r: CertificateRow): CertificateItem => ({
	id: r.id,
	name: r.name,
	status: r.status,
	basis: r.basis,
	active: r.active === 1
});

// Active entries first, then by status and name, so the list reads like the published one.
export async function listSignboardCategoryRows(db: Db, activeOnly: boolean): Promise<SignboardCategory[]> {
	const rows = await db
		.selectFrom('signboard_categories')
		.selectAll()
		.$if(activeOnly, (q) => q.where('active', '=', 1))
		.orderBy('active', 'desc')
		.orderBy('status')
		.orderBy('placement')
		.orderBy('name')
		.execute();
	return rows.map(toSignboard);
}

export async function listCertificateItemRows(db: Db, activeOnly: boolean): Promise<CertificateItem[]> {
	const rows = await db
		.selectFrom('certificate_items')
		.selectAll()
		.$if(activeOnly, (q) => q.where('active', '=', 1))
		.orderBy('active', 'desc')
		.orderBy('status')
		.orderBy('name')
		.execute();
	return rows.map(toCertificate);
}

export async function signboardCategoryById(db: Db, id: number): Promise<SignboardCategory | undefined> {
	const row = await db.selectFrom('signboard_categories').selectAll().where('id', '=', id).executeTakeFirst();
	return row && toSignboard(row);
}

export async function certificateItemById(db: Db, id: number): Promise<CertificateItem | undefined> {
	const row = await db.selectFrom('certificate_items').selectAll().where('id', '=', id).executeTakeFirst();
	return row && toCertificate(row);
}

/** Whether another entry of the catalogue (not `exceptId`) has this name. */
export async function nameInUse(
	db: Db,
	kind: CatalogueKind,
	name: string,
	exceptId?: number
): Promise<boolean> {
	const row = await db
		.selectFrom(tableOf[kind])
		.select('id')
		.where('name', '=', name)
		.$if(exceptId != null, (q) => q.where('id', '!=', exceptId!))
		.executeTakeFirst();
	return !!row;
}

/** A new, active entry; its id. */
export async function insertSignboardCategory(
	db: Db,
	input: SignboardInput,
	createdAt: string
): Promise<number> {
	const { id } = await db
		.insertInto('signboard_categories')
		.values({ ...input, active: 1, created_at: createdAt })
		.returning('id')
		.executeTakeFirstOrThrow();
	return id;
}

export async function insertCertificateItem(
	db: Db,
	input: CertificateInput,
	createdAt: string
): Promise<number> {
	const { id } = await db
		.insertInto('certificate_items')
		.values({ ...input, active: 1, created_at: createdAt })
		.returning('id')
		.executeTakeFirstOrThrow();
	return id;
}

export async function insertSignboardCategories(
	db: Db,
	inputs: readonly SignboardInput[],
	createdAt: string
) {
	await db
		.insertInto('signboard_categories')
		.values(inputs.map((s) => ({ ...s, active: 1 as const, created_at: createdAt })))
		.execute();
}

export async function insertCertificateItems(db: Db, inputs: readonly CertificateInput[], createdAt: string) {
	await db
		.insertInto('certificate_items')
		.values(inputs.map((c) => ({ ...c, active: 1 as const, created_at: createdAt })))
		.execute();
}

export async function updateSignboardCategoryRow(db: Db, id: number, values: SignboardInput): Promise<void> {
	await db.updateTable('signboard_categories').set(values).where('id', '=', id).execute();
}

export async function updateCertificateItemRow(db: Db, id: number, values: CertificateInput): Promise<void> {
	await db.updateTable('certificate_items').set(values).where('id', '=', id).execute();
}

/** Whether the entry is active; undefined when there is no such entry. */
export async function entryActive(db: Db, kind: CatalogueKind, id: number): Promise<boolean | undefined> {
	const row = await db.selectFrom(tableOf[kind]).select('active').where('id', '=', id).executeTakeFirst();
	return row && row.active === 1;
}

export async function setEntryActiveRow(
	db: Db,
	kind: CatalogueKind,
	id: number,
	active: boolean
): Promise<void> {
	await db
		.updateTable(tableOf[kind])
		.set({ active: active ? 1 : 0 })
		.where('id', '=', id)
		.execute();
}

/** The stored entries with these names, by name; asked 500 names at a time. */
export async function entriesNamed(
	db: Db,
	kind: CatalogueKind,
	names: readonly string[]
): Promise<Map<string, CatalogueRow>> {
	const found = new Map<string, CatalogueRow>();
	for (let i = 0; i < names.length; i += 500) {
		const rows: CatalogueRow[] = await db
			.selectFrom(tableOf[kind])
			.selectAll()
			.where('name', 'in', names.slice(i, i + 500))
			.execute();
		for (const r of rows) found.set(r.name, r);
	}
	return found;
}

/** The columns an import sets on an entry it already has. */
export interface ImportedValues {
	status: string;
	placement?: SignboardPlacement | null;
	note?: string | null;
	basis?: string | null;
	active: 1;
}

export async function updateImportedEntry(
	db: Db,
	kind: CatalogueKind,
	id: number,
	values: ImportedValues
): Promise<void> {
	if (kind === 'signboard') {
		const { status, placement, note, active } = values;
		await db
			.updateTable('signboard_categories')
			.set({
				status: status as SignboardStatus,
				active,
				...(placement != null && { placement }),
				...(note !== undefined && { note })
			})
			.where('id', '=', id)
			.execute();
	} else {
		const { status, basis, active } = values;
		await db
			.updateTable('certificate_items')
			.set({ status: status as CertificateStatus, active, ...(basis !== undefined && { basis }) })
			.where('id', '=', id)
			.execute();
	}
}

/** Whether the catalogue has any entry at all. */
export async function catalogueHasEntries(db: Db, kind: CatalogueKind): Promise<boolean> {
	const row = await db.selectFrom(tableOf[kind]).select('id').limit(1).executeTakeFirst();
	return !!row;
}

/** Whether the catalogue has an active entry with one of these names. */
export async function hasActiveEntryNamed(
	db: Db,
	kind: CatalogueKind,
	names: readonly string[]
): Promise<boolean> {
	const row = await db
		.selectFrom(tableOf[kind])
		.select('id')
		.where('active', '=', 1)
		.where('name', 'in', [...names])
		.limit(1)
		.executeTakeFirst();
	return !!row;
}
