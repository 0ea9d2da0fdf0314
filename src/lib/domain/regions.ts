// NBS statistical division codes (统计用区划代码): the level follows from the code's length,
// and a region's subtree is every code that starts with its code.
export const levelByLength: Record<number, number> = { 2: 1, 4: 2, 6: 3, 9: 4, 12: 5 };
export const lengthByLevel = [0, 2, 4, 6, 9, 12] as const;
export const VILLAGE_LEVEL = 5;

export function levelOfCode(code: string): number | null {
	if (!/^\d+$/.test(code)) return null;
	return levelByLength[code.length] ?? null;
}

export function parentCodeOf(code: string): string | null {
	const level = levelOfCode(code);
	if (!level || level === 1) return null;
	return code.slice(0, lengthByLevel[level - 1]);
}

export function isInSubtree(code: string, rootCode: string): boolean {
	return code.startsWith(rootCode);
}

/**
 * The subtree as a range of codes, [code, upper]: an index range scan in code order where a
 * prefix LIKE cannot use the index. Codes are digits, so this holds under any collation.
 */
export const subtreeRange = (code: string): [string, string] => [code, code.padEnd(12, '9')];

/** Every ancestor code, from the province down, the code itself last. */
export function lineageOf(code: string): string[] {
	const level = levelOfCode(code) ?? 0;
	const out: string[] = [];
	for (let l = 1; l <= level; l++) out.push(code.slice(0, lengthByLevel[l]));
	return out;
}

export type PointType = 'village' | 'community';

/** 村委会 → 村, 社区居委会 → 社区; anything else is a guess an admin can correct. */
export function guessPointType(name: string): PointType {
	return /社区|居委会|居民委员会/.test(name) ? 'community' : 'village';
}
