import { m } from '$lib/paraglide/messages.js';
import type { UserProblem } from './users.service';

export function userProblemMessage(problem: UserProblem): string {
	switch (problem) {
		case 'username_taken':
			return m.username_taken();
		case 'region_required':
			return m.scope_region_required();
		case 'region_unknown':
			return m.scope_region_unknown();
		case 'point_required':
			return m.scope_point_required();
		case 'point_unknown':
			return m.scope_point_unknown();
	}
}
