import { isHttpError, type ActionFailure } from '@sveltejs/kit';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../src/lib/domain/roles';
import {
	createCertificateItem,
	createSignboardCategory,
	ensureStarterCatalogues,
	findCertificateItem,
	findSignboardCategory,
	listCertificateItems,
	listSignboardCategories,
	starterCertificates,
	starterSignboards
} from '../../src/lib/server/registers/catalogues.service';
import { kickRebuilds } from '../../src/lib/server/trends/indicators.service';
import * as adminPage from '../../src/routes/(app)/admin/catalogues/+page.server';
import * as entryPage from '../../src/routes/(app)/admin/catalogues/[kind=catalogueKind]/[id=id]/+page.server';
import * as readPage from '../../src/routes/(app)/catalogues/+page.server';
import { callAction, callLoad, makeEvent, thrownBy, useLocale } from '../helpers/event';
import { auditRows, type TestUser } from '../helpers/factories';
import { EACH_ROLE_WORLD, useScenario } from '../helpers/scenario';

useLocale('zh');

// Each test gets its own database; those that need the starter catalogue put it in place first.
const s = useScenario(
	{
		...EACH_ROLE_WORLD,
		beforeClose: kickRebuilds
	},
	{ fresh: 'each' }
);
const users: Record<Role, TestUser> = s.users;
let db: typeof s.db;
beforeEach(() => {
	db = s.db;
});
const withStarter = () => beforeEach(() => ensureStarterCatalogues(s.db));

describe('the starter catalogue', () => {
	it('is put in place once, only while both catalogues are empty', async () => {
		expect(await ensureStarterCatalogues(db)).toBe(true);
		expect(await listSignboardCategories(db)).toHaveLength(starterSignboards.length);
		expect(await listCertificateItems(db)).toHaveLength(starterCertificates.length);
		expect(await ensureStarterCatalogues(db)).toBe(false);
		expect(await listSignboardCategories(db)).toHaveLength(starterSignboards.length);
		expect(await auditRows(db, { action: 'catalogue.starter' })).toHaveLength(1);
	});

	it('covers all three placements and both statuses of each catalogue', () => {
		expect(new Set(starterSignboards.map((s) => s.placement))).toEqual(
			new Set(['exterior', 'interior', 'wall'])
		);
		expect(new Set(starterSignboards.map((s) => s.status))).toEqual(new Set(['cancelled', 'kept']));
		expect(new Set(starterCertificates.map((c) => c.status))).toEqual(new Set(['cancelled', 'retained']));
		expect(starterCertificates.filter((c) => c.status === 'retained').every((c) => c.basis)).toBe(true);
	});

	it('is flagged as a sample on the admin page while its entries are in use', async () => {
		await ensureStarterCatalogues(db);
		const data = await callLoad(adminPage.load, makeEvent({ user: users.admin, url: '/admin/catalogues' }));
		expect(data.starter).toBe(true);
	});
});

describe('editing catalogues', () => {
	withStarter();

	it('adds a signboard category and records who did it', async () => {
		const result = await callAction(
			adminPage.actions.addSignboard,
			makeEvent({
				user: users.admin,
				url: '/admin/catalogues?/addSignboard',
				form: { name: '  妇女之家 ', status: 'kept', placement: 'interior', note: '' }
			})
		);
		expect(result).toMatchObject({ form: { message: '已添加“妇女之家”。' } });
		const row = (await listSignboardCategories(db)).find((s) => s.name === '妇女之家');
		expect(row).toMatchObject({ status: 'kept', placement: 'interior', note: null, active: true });
		const [audit] = await auditRows(db, { action: 'signboard_category.create', entityId: row!.id });
		expect(audit.user_id).toBe(users.admin.id);
	});

	it('refuses a name already in the catalogue, and an unknown placement', async () => {
		const taken = (await callAction(
			adminPage.actions.addSignboard,
			makeEvent({
				user: users.admin,
				url: '/admin/catalogues?/addSignboard',
				form: { name: '综治中心', status: 'kept', placement: 'exterior', note: '' }
			})
		)) as ActionFailure<{ form: { errors: Record<string, string[]> } }>;
		expect(taken.status).toBe(400);
		expect(taken.data.form.errors.name).toEqual(['已有同名条目。']);
		const bad = (await callAction(
			adminPage.actions.addSignboard,
			makeEvent({
				user: users.admin,
				url: '/admin/catalogues?/addSignboard',
				form: { name: '新牌子', status: 'kept', placement: 'roof', note: '' }
			})
		)) as ActionFailure<{ signboardForm: { valid: boolean } }>;
		expect(bad.status).toBe(400);
		expect(bad.data.signboardForm.valid).toBe(false);
	});

	it('adds a certificate item with its basis', async () => {
		await callAction(
			adminPage.actions.addCertificate,
			makeEvent({
				user: users.admin,
				url: '/admin/catalogues?/addCertificate',
				form: { name: '养犬登记证明', status: 'cancelled', basis: '由公安机关办理。' }
			})
		);
		const row = (await listCertificateItems(db)).find((c) => c.name === '养犬登记证明');
		expect(row).toMatchObject({ status: 'cancelled', basis: '由公安机关办理。', active: true });
		expect(await auditRows(db, { action: 'certificate_item.create', entityId: row!.id })).toHaveLength(1);
	});

	it('edits, deactivates and reactivates a signboard category, each with an audit row', async () => {
		const id = await createSignboardCategory(db, users.admin.id, {
			name: '关工委工作站',
			status: 'kept',
			placement: 'exterior',
			note: null
		});
		const event = (form?: Record<string, string>) =>
			makeEvent({
				user: users.admin,
				url: `/admin/catalogues/signboards/${id}`,
				params: { kind: 'signboards', id: String(id) },
				form
			});

		await callAction(
			entryPage.actions.save,
			event({
				name: '关心下一代工作委员会',
				status: 'cancelled',
				placement: 'interior',
				note: '并入党群服务中心'
			})
		);
		expect(await findSignboardCategory(db, id)).toMatchObject({
			name: '关心下一代工作委员会',
			status: 'cancelled',
			placement: 'interior',
			note: '并入党群服务中心'
		});
		const [update] = await auditRows(db, { action: 'signboard_category.update', entityId: id });
		expect(JSON.parse(update.changes!)).toMatchObject({ name: ['关工委工作站', '关心下一代工作委员会'] });

		await callAction(entryPage.actions.deactivate, event({}));
		expect((await findSignboardCategory(db, id))!.active).toBe(false);
		await callAction(entryPage.actions.activate, event({}));
		expect((await findSignboardCategory(db, id))!.active).toBe(true);
		expect(await auditRows(db, { action: 'signboard_category.deactivate', entityId: id })).toHaveLength(1);
		expect(await auditRows(db, { action: 'signboard_category.activate', entityId: id })).toHaveLength(1);

		const data = await callLoad(entryPage.load, event());
		expect(data.history.map((h: { action: string }) => h.action)).toEqual([
			'signboard_category.activate',
			'signboard_category.deactivate',
			'signboard_category.update',
			'signboard_category.create'
		]);
	});

	it('edits and deactivates a certificate item; a deactivated item stays listed for history', async () => {
		const id = await createCertificateItem(db, users.admin.id, {
			name: '独生子女证明',
			status: 'retained',
			basis: null
		});
		const event = (form?: Record<string, string>) =>
			makeEvent({
				user: users.admin,
				url: `/admin/catalogues/certificates/${id}`,
				params: { kind: 'certificates', id: String(id) },
				form
			});
		await callAction(
			entryPage.actions.save,
			event({ name: '独生子女证明', status: 'cancelled', basis: '卫健部门核实' })
		);
		await callAction(entryPage.actions.deactivate, event({}));
		expect(await findCertificateItem(db, id)).toMatchObject({
			status: 'cancelled',
			basis: '卫健部门核实',
			active: false
		});
		expect(await auditRows(db, { action: 'certificate_item.update', entityId: id })).toHaveLength(1);
		expect(await auditRows(db, { action: 'certificate_item.deactivate', entityId: id })).toHaveLength(1);
		expect((await listCertificateItems(db)).some((c) => c.id === id)).toBe(true);
		expect((await listCertificateItems(db, { activeOnly: true })).some((c) => c.id === id)).toBe(false);
	});

	it('answers 404 for an entry that does not exist', async () => {
		const e = await thrownBy(() =>
			callLoad(
				entryPage.load,
				makeEvent({
					user: users.admin,
					params: { kind: 'signboards', id: '99999' },
					url: '/admin/catalogues/signboards/99999'
				})
			)
		);
		expect(isHttpError(e) && e.status).toBe(404);
	});
});

describe('who may use the catalogue pages', () => {
	withStarter();
	const nonAdmins: Role[] = ['analyst', 'reviewer', 'staff'];

	it.each(nonAdmins)('a %s gets 404 from every admin load and action, and nothing changes', async (role) => {
		const [signboard] = await listSignboardCategories(db);
		const [certificate] = await listCertificateItems(db);
		const user = users[role];
		const before = {
			s: await findSignboardCategory(db, signboard.id),
			c: await findCertificateItem(db, certificate.id)
		};
		const runs: (() => unknown)[] = [
			() => callLoad(adminPage.load, makeEvent({ user, url: '/admin/catalogues' })),
			() =>
				callAction(
					adminPage.actions.addSignboard,
					makeEvent({ user, form: { name: '越权', status: 'kept', placement: 'exterior', note: '' } })
				),
			() =>
				callAction(
					adminPage.actions.addCertificate,
					makeEvent({ user, form: { name: '越权', status: 'retained', basis: '' } })
				),
			() => {
				const form = new FormData();
				form.append('kind', 'signboard');
				form.append('file', new File(['名称,状态,位置\n越权,取消,外挂标牌\n'], 'x.csv'));
				return callAction(adminPage.actions.import, makeEvent({ user, form }));
			},
			() =>
				callLoad(
					entryPage.load,
					makeEvent({ user, params: { kind: 'signboards', id: String(signboard.id) } })
				),
			() =>
				callAction(
					entryPage.actions.save,
					makeEvent({
						user,
						params: { kind: 'signboards', id: String(signboard.id) },
						form: { name: '越权', status: 'kept', placement: 'exterior', note: '' }
					})
				),
			() =>
				callAction(
					entryPage.actions.deactivate,
					makeEvent({ user, params: { kind: 'signboards', id: String(signboard.id) }, form: {} })
				),
			() =>
				callAction(
					entryPage.actions.activate,
					makeEvent({ user, params: { kind: 'signboards', id: String(signboard.id) }, form: {} })
				),
			() =>
				callLoad(
					entryPage.load,
					makeEvent({ user, params: { kind: 'certificates', id: String(certificate.id) } })
				),
			() =>
				callAction(
					entryPage.actions.save,
					makeEvent({
						user,
						params: { kind: 'certificates', id: String(certificate.id) },
						form: { name: '越权', status: 'retained', basis: '' }
					})
				),
			() =>
				callAction(
					entryPage.actions.deactivate,
					makeEvent({ user, params: { kind: 'certificates', id: String(certificate.id) }, form: {} })
				),
			() =>
				callAction(
					entryPage.actions.activate,
					makeEvent({ user, params: { kind: 'certificates', id: String(certificate.id) }, form: {} })
				)
		];
		for (const run of runs) {
			const e = await thrownBy(run);
			expect(isHttpError(e) && e.status).toBe(404);
		}
		expect(await findSignboardCategory(db, signboard.id)).toEqual(before.s);
		expect(await findCertificateItem(db, certificate.id)).toEqual(before.c);
		expect((await listSignboardCategories(db)).some((s) => s.name === '越权')).toBe(false);
	});

	it.each(['admin', 'analyst', 'reviewer'] as Role[])('a %s may read the active catalogues', async (role) => {
		const data = await callLoad(readPage.load, makeEvent({ user: users[role], url: '/catalogues' }));
		expect(data.signboards.length).toBeGreaterThan(0);
		expect(data.signboards.every((s: { active: boolean }) => s.active)).toBe(true);
		expect(data.certificates.every((c: { active: boolean }) => c.active)).toBe(true);
		expect(data.canEdit).toBe(role === 'admin');
	});

	it('staff get 404 from the read-only page', async () => {
		const e = await thrownBy(() =>
			callLoad(readPage.load, makeEvent({ user: users.staff, url: '/catalogues' }))
		);
		expect(isHttpError(e) && e.status).toBe(404);
	});
});
