import type { ParamMatcher } from '@sveltejs/kit';

/** The catalogue an entry page belongs to, as its URL names it. */
export const match: ParamMatcher = (param) => param === 'signboards' || param === 'certificates';
