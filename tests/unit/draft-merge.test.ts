import { describe, expect, it } from 'vitest';
import { rebase, resolve, sameField, unsent } from '../../src/lib/domain/draft-merge';

describe('setting what a phone typed against the server copy', () => {
	const base = { 'a.meetings': '3', 'a.kinds': ['x', 'y'], 'n.meetings': '' };

	it('keeps a change where the server still has what the phone started from', () => {
		const r = rebase(base, { 'a.meetings': '5' }, { ...base });
		expect(r).toEqual({ mine: { 'a.meetings': '5' }, conflicts: [] });
	});

	it('drops a change the server already holds (a replay that landed, or the same typed twice)', () => {
		expect(rebase(base, { 'a.meetings': '5' }, { ...base, 'a.meetings': '5' })).toEqual({
			mine: {},
			conflicts: []
		});
	});

	it('shows both values where the server changed the same field differently', () => {
		const r = rebase(base, { 'a.meetings': '5', 'n.meetings': '换届' }, { ...base, 'a.meetings': '9' });
		expect(r.conflicts).toEqual([{ field: 'a.meetings', mine: '5', server: '9' }]);
		expect(r.mine).toEqual({ 'n.meetings': '换届' });
		expect(resolve(r, new Set(['a.meetings']))).toEqual({ 'a.meetings': '5', 'n.meetings': '换届' });
		expect(resolve(r, new Set())).toEqual({ 'n.meetings': '换届' });
	});

	it('treats choice lists as sets and a missing field as blank', () => {
		expect(sameField(['y', 'x'], ['x', 'y'])).toBe(true);
		expect(sameField(undefined, '')).toBe(true);
		expect(sameField([], '')).toBe(true);
		expect(sameField(['x'], 'x')).toBe(true);
		expect(sameField('3', '4')).toBe(false);
		expect(unsent(base, { 'a.kinds': ['y', 'x'], 'a.meetings': '4' })).toEqual({ 'a.meetings': '4' });
	});

	it('ignores a server change to a field the phone did not touch', () => {
		const r = rebase(base, { 'a.meetings': '5' }, { ...base, 'a.kinds': ['z'] });
		expect(r).toEqual({ mine: { 'a.meetings': '5' }, conflicts: [] });
	});
});
