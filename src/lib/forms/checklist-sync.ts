// What a phone's outbox sends for one queued action: a save of the answers typed (any sections),
// or the submit. Each carries its own token, so a replay is recognised, and the version it was
// typed against, so a server copy that moved on meanwhile is noticed rather than overwritten.
import { z } from 'zod';

export const SYNC_TOKEN = /^[A-Za-z0-9_-]{8,64}$/;

export const queuedActionSchema = z.object({
	kind: z.enum(['save', 'submit']),
	token: z.string().regex(SYNC_TOKEN),
	expectedVersion: z.number().int().nonnegative().nullable(),
	values: z
		.record(z.string().max(64), z.union([z.string().max(4000), z.array(z.string().max(200)).max(100)]))
		.default({}),
	notes: z.record(z.string().max(64), z.string().max(1000)).default({})
});

export type QueuedAction = z.infer<typeof queuedActionSchema>;
