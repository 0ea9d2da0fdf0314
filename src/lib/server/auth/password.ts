import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

// argon2id with the OWASP-recommended floor (19 MiB, 2 passes).
const options = { memoryCost: 19456, timeCost: 2, outputLen: 32, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
	return hash(password, options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		return false;
	}
}

// A real hash of nothing, so an unknown username costs as much time as a wrong password.
let dummyHash: Promise<string> | undefined;
export async function burnVerify(password: string): Promise<void> {
	dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
	await verifyPassword(await dummyHash, password);
}

/** A one-time password an admin can read out over the phone: no 0/O, 1/l/I. */
export function generateOneTimePassword(length = 12): string {
	const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
	const bytes = randomBytes(length);
	let out = '';
	for (let i = 0; i < length; i++) out += alphabet[bytes[i] % alphabet.length];
	return out;
}

export const PASSWORD_MIN_LENGTH = 10;
