import { describe, expect, it } from 'vitest';
import {
	guessPointType,
	isInSubtree,
	levelOfCode,
	lineageOf,
	parentCodeOf,
	subtreeRange
} from '../../src/lib/domain/regions';
import { landingPath } from '../../src/lib/domain/roles';

describe('division codes', () => {
	it.each([
		['64', 1],
		['6401', 2],
		['640104', 3],
		['640104001', 4],
		['640104001001', 5]
	])('reads the level of %s as %i from its length', (code, level) => {
		expect(levelOfCode(code)).toBe(level);
	});

	it.each(['', '6', '640', '64010', '6401040010011', '64a1', ' 6401'])(
		'rejects %j as a division code',
		(code) => {
			expect(levelOfCode(code)).toBeNull();
		}
	);

	it('derives the parent from the code, and none for a province', () => {
		expect(parentCodeOf('640104001001')).toBe('640104001');
		expect(parentCodeOf('640104001')).toBe('640104');
		expect(parentCodeOf('6401')).toBe('64');
		expect(parentCodeOf('64')).toBeNull();
		expect(parentCodeOf('bad')).toBeNull();
	});

	it('lists the lineage from the province down to the code itself', () => {
		expect(lineageOf('640104001001')).toEqual(['64', '6401', '640104', '640104001', '640104001001']);
		expect(lineageOf('64')).toEqual(['64']);
	});

	it('puts a code in its ancestors’ subtrees but not its siblings’', () => {
		expect(isInSubtree('640104001001', '6401')).toBe(true);
		expect(isInSubtree('6401', '6401')).toBe(true);
		expect(isInSubtree('640205001001', '6401')).toBe(false);
		expect(isInSubtree('64', '6401')).toBe(false);
	});
});

describe('guessPointType', () => {
	it.each([
		['满春社区居委会', 'community'],
		['文化街居民委员会', 'community'],
		['红花村委会', 'village'],
		['掌政村村民委员会', 'village']
	])('guesses %s is a %s', (name, type) => {
		expect(guessPointType(name)).toBe(type);
	});
});

describe('landingPath', () => {
	it('sends each role to its own start page', () => {
		expect(landingPath({ role: 'admin', regionCode: null, pointId: null })).toBe('/admin');
		expect(landingPath({ role: 'analyst', regionCode: '6401', pointId: null })).toBe('/trends/6401');
		expect(landingPath({ role: 'reviewer', regionCode: '640104', pointId: null })).toBe('/regions/640104');
		expect(landingPath({ role: 'staff', regionCode: null, pointId: 7 })).toBe('/points/7');
	});
});

describe('subtreeRange', () => {
	it('holds every code below a region and none beside it', () => {
		const [low, high] = subtreeRange('640104');
		const inside = (code: string) => code >= low && code <= high;
		expect(['640104', '640104009', '640104009003', '640104999999'].every(inside)).toBe(true);
		expect(['640103999999', '640105', '640105001001', '6401', '64'].some(inside)).toBe(false);
	});
});
