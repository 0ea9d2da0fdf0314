// A role's name. Each message is named here, never looked up by a built key: `m[`role_${r}`]` keeps
// every message of the app in the bundle of every page (issue 13).
import type { Role } from '$lib/domain/roles';
import { m } from '$lib/paraglide/messages.js';

const names: Record<Role, () => string> = {
	admin: m.role_admin,
	analyst: m.role_analyst,
	reviewer: m.role_reviewer,
	staff: m.role_staff
};

export const roleName = (role: Role): string => names[role]();
