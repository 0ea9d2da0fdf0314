import type { ParamMatcher } from '@sveltejs/kit';
import { levelOfCode } from '$lib/domain/regions';

export const match: ParamMatcher = (param) => levelOfCode(param) != null;
