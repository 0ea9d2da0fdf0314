// Register factories: catalogue rows written straight to the tables (the catalogue admin is not
// under test here) and row counts for the register tables.
import { now, type Db } from '../../src/lib/server/db';
import type { SignboardPlacement } from '../../src/lib/server/db/schema';
import { Refusal } from '../../src/lib/server/refusal';

let counter = 0;

export async function newSignboardCategory(
	db: Db,
	options: {
		name?: string;
		status?: 'cancelled' | 'kept';
		placement?: SignboardPlacement;
		active?: boolean;
	} = {}
): Promise<number> {
	const { id } = await db
		.insertInto('signboard_categories')
		.values({
			name: options.name ?? `测试标牌类别${++counter}`,
			status: options.status ?? 'kept',
			placement: options.placement ?? 'exterior',
			note: null,
			active: options.active === false ? 0 : 1,
			created_at: now()
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return id;
}

export async function newCertificateItem(
	db: Db,
	options: { name?: string; status?: 'cancelled' | 'retained'; active?: boolean } = {}
): Promise<number> {
	const { id } = await db
		.insertInto('certificate_items')
		.values({
			name: options.name ?? `测试证明事项${++counter}`,
			status: options.status ?? 'retained',
			basis: null,
			active: options.active === false ? 0 : 1,
			created_at: now()
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return id;
}

export type RegisterTable =
	| 'signboards'
	| 'signboard_events'
	| 'point_certificates'
	| 'certificate_counts'
	| 'secondments'
	| 'photos'
	| 'audit_log';

export async function countOf(db: Db, table: RegisterTable): Promise<number> {
	const { n } = await db
		.selectFrom(table)
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(n);
}

/** Every register table's row count, to show that a refused change wrote nothing. */
export async function registerSnapshot(db: Db): Promise<Record<RegisterTable, number>> {
	const tables: RegisterTable[] = [
		'signboards',
		'signboard_events',
		'point_certificates',
		'certificate_counts',
		'secondments',
		'photos',
		'audit_log'
	];
	const out = {} as Record<RegisterTable, number>;
	for (const t of tables) out[t] = await countOf(db, t);
	return out;
}

/**
 * The field → code pairs of the Refusal a register change threw; fails when the change went
 * through or threw anything else.
 */
export async function refusalOf(change: Promise<unknown>): Promise<Record<string, string>> {
	try {
		await change;
	} catch (e) {
		if (!(e instanceof Refusal)) throw e;
		return Object.fromEntries(Object.entries(e.problems).map(([field, p]) => [field, p.code]));
	}
	throw new Error('expected the change to be refused');
}
