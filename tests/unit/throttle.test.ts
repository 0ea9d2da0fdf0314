import { describe, expect, it } from 'vitest';
import { FREE_FAILURES, lockDelayMs, throttleKeys } from '../../src/lib/server/auth/throttle';
import { safeRedirect } from '../../src/lib/server/http';
import { generateOneTimePassword } from '../../src/lib/server/auth/password';

describe('lockDelayMs', () => {
	it('lets the first failures through without a wait', () => {
		for (let n = 0; n < FREE_FAILURES; n++) expect(lockDelayMs(n)).toBe(0);
	});

	it('locks for 30 seconds at the fifth failure and doubles with each further one', () => {
		expect(FREE_FAILURES).toBe(5);
		expect(lockDelayMs(5)).toBe(30_000);
		expect(lockDelayMs(6)).toBe(60_000);
		expect(lockDelayMs(7)).toBe(120_000);
	});

	it('never locks for longer than 15 minutes', () => {
		expect(lockDelayMs(30)).toBe(15 * 60_000);
		expect(lockDelayMs(1000)).toBe(15 * 60_000);
	});
});

describe('throttleKeys', () => {
	it('throttles the account whatever its spelling, and the address', () => {
		expect(throttleKeys('  Reviewer ', '198.51.100.1')).toEqual(['user:reviewer', 'ip:198.51.100.1']);
	});
});

describe('safeRedirect', () => {
	it.each([
		['/regions/6401?q=1', '/regions/6401?q=1'],
		['https://evil.example/', '/'],
		['//evil.example/', '/'],
		['/\\evil.example', '/'],
		['', '/'],
		[null, '/']
	])('after sign-in, %j goes to %j', (target, expected) => {
		expect(safeRedirect(target)).toBe(expected);
	});
});

describe('generateOneTimePassword', () => {
	it('avoids characters that are confused when read out over the phone', () => {
		const passwords = Array.from({ length: 50 }, () => generateOneTimePassword());
		for (const p of passwords) {
			expect(p).toHaveLength(12);
			expect(p).not.toMatch(/[0O1lI]/);
		}
		expect(new Set(passwords).size).toBe(passwords.length);
	});
});
