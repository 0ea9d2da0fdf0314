import { guessPointType, VILLAGE_LEVEL } from '../../domain/regions';
import type { Role } from '../../domain/roles';
import type { Db } from '../db';
import { markAsPoint } from '../points/points.service';
import { importDivisionRows } from '../regions/division-import';
import { createUser } from '../users/users.service';
import { ensureDefaultTemplate } from '../checklists/templates.service';
import { ensureStarterCatalogues } from '../registers/catalogues.service';
import { rebuildIndicators } from '../trends/indicators.service';
import { DEMO_LATE_POINTS, LATE_JOIN_QUARTER } from './demo-facts';
import { findFirstPublishedVersionId, insertDemoMarker } from './demo.repository';
import { seedDemoRegisters, type DemoPoint } from './demo-registers';
import { seedDemoRounds } from './demo-rounds';
import { readNingxia } from './ningxia';

export const DEMO_MARKER = 'demo_database';
export const POINT_COUNT = 46;
export const REVIEWER_COUNTY = '640104'; // 兴庆区, 银川市

export interface DemoAccount {
	role: Role;
	username: string;
	password: string;
	name: string;
	scope: string;
}

/**
 * Picks the observation points: in every county one village (村) and one community (社区) where it
 * has both, then more from the largest counties until there are 46. Deterministic, so demo
 * accounts and tests can rely on the same points.
 */
export function choosePoints(villages: { code: string; name: string }[], count = POINT_COUNT): string[] {
	const byCounty = new Map<string, { code: string; name: string }[]>();
	for (const v of villages) {
		const county = v.code.slice(0, 6);
		if (!byCounty.has(county)) byCounty.set(county, []);
		byCounty.get(county)!.push(v);
	}
	const chosen = new Set<string>();
	const middle = <T>(list: T[]) => list[Math.floor(list.length / 2)];
	for (const units of byCounty.values()) {
		for (const type of ['village', 'community'] as const) {
			const ofType = units.filter((u) => guessPointType(u.name) === type);
			if (ofType.length) chosen.add(middle(ofType).code);
		}
	}
	const largest = [...byCounty.values()].sort((a, b) => b.length - a.length);
	for (let i = 0; chosen.size < count; i++) {
		const units = largest[i % largest.length].filter((u) => !chosen.has(u.code));
		if (units.length) chosen.add(units[Math.floor(units.length / 3)].code);
	}
	return [...chosen].sort().slice(0, count);
}

export async function seedDemo(db: Db): Promise<DemoAccount[]> {
	const rows = readNingxia();
	const outcome = await importDivisionRows(db, rows, null);
	if (!outcome.ok)
		throw new Error(`demo regions did not import: ${JSON.stringify(outcome.problems.slice(0, 5))}`);

	const villages = rows.filter((r) => r.level === VILLAGE_LEVEL);
	const pointCodes = choosePoints(villages);
	const pointIds = new Map<string, number>();
	const joinsLater = (code: string) => DEMO_LATE_POINTS.some((p) => p.code === code);
	for (const code of pointCodes) if (!joinsLater(code)) pointIds.set(code, await markAsPoint(db, null, code));
	const demoPoint = (code: string): DemoPoint => ({
		id: pointIds.get(code)!,
		code,
		index: pointCodes.indexOf(code),
		firstQuarter: joinsLater(code) ? LATE_JOIN_QUARTER : 0
	});

	const staffPoint = pointCodes.find((c) => c.startsWith(REVIEWER_COUNTY))!;
	const staffPointName = villages.find((v) => v.code === staffPoint)!.name;
	const accounts: DemoAccount[] = [
		{ role: 'admin', username: 'admin', password: 'demo-admin-2026', name: '系统管理员', scope: '' },
		{
			role: 'analyst',
			username: 'analyst',
			password: 'demo-analyst-2026',
			name: '自治区减负办分析员',
			scope: '64'
		},
		{
			role: 'reviewer',
			username: 'reviewer',
			password: 'demo-reviewer-2026',
			name: '兴庆区审核员',
			scope: REVIEWER_COUNTY
		},
		{
			role: 'staff',
			username: 'staff',
			password: 'demo-staff-2026',
			name: `${staffPointName}联络员`,
			scope: staffPoint
		}
	];
	for (const a of accounts) {
		await createUser(db, null, {
			username: a.username,
			displayName: a.name,
			role: a.role,
			scopeCode: a.scope || null,
			password: a.password,
			mustChangePassword: false
		});
	}
	await ensureDefaultTemplate(db);
	await ensureStarterCatalogues(db);
	const versionId = await findFirstPublishedVersionId(db);
	await seedDemoRegisters(db, [...pointIds.keys()].map(demoPoint));
	await seedDemoRounds(db, versionId, [...pointIds.keys()].map(demoPoint), staffPoint, async () => {
		const late = pointCodes.filter(joinsLater);
		for (const code of late) pointIds.set(code, await markAsPoint(db, null, code));
		await seedDemoRegisters(db, late.map(demoPoint));
		return late.map(demoPoint);
	});
	// The figures were kept as each quarter was accepted; one rebuild reads every counted
	// indicator's spread over all points, as an office's first rebuild would.
	await rebuildIndicators(db);
	await insertDemoMarker(db, DEMO_MARKER, new Date().toISOString());
	return accounts;
}
