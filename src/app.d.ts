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
		interface PageState {
			/** The checklist step moved to on the phone, without asking the server. */
			section?: number | 'review';
		}
	}
}

export {};
