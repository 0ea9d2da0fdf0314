import type { Session } from 'lucia';
import type { PublicUser } from '$lib/domain/roles';

declare global {
	namespace App {
		interface Locals {
			user: PublicUser | null;
			session: Session | null;
		}
		interface Error {
			message: string;
		}
	}
}

export {};
