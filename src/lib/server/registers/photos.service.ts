// Evidence photos: checked by their bytes, stripped of metadata, stored under a random name in
// PHOTO_DIR with one row in `photos`. Access is the caller's job (the photo's point decides it).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MAX_PHOTO_MB, tooManyPixels } from '../../domain/photos';
import { config } from '../config';
import { now, type Db } from '../db';
import { refuse } from '../refusal';
import {
	detectImageType,
	imageDimensions,
	imageExtension,
	imageMime,
	MalformedImageError,
	stripMetadata
} from './image-metadata';
import { deletePhotoRow, findPhoto, insertPhoto, type PhotoRow } from './photos.repository';

export { findPhoto, type PhotoRow } from './photos.repository';

/** 5 MB. The request body limit (BODY_SIZE_LIMIT) must leave room for it and the rest of the form. */
export const MAX_PHOTO_BYTES = MAX_PHOTO_MB * 1024 * 1024;

// Names are only ever ours (a UUID and an extension); anything else in the table is refused
// rather than joined onto the folder.
const STORED_NAME = /^[0-9a-f-]{36}\.(jpg|png|webp)$/;

function storedPath(fileName: string): string {
	if (!STORED_NAME.test(fileName)) throw new Error(`not a stored photo name: ${fileName}`);
	return path.join(config.photoDir, fileName);
}

/**
 * Checks the upload, strips its metadata, writes it and inserts its row; gives the photo's id,
 * or refuses on the `photo` field. `db` may be a transaction; if the insert fails the file is
 * removed again. If the caller's transaction rolls back later, the file stays behind
 * unreferenced (harmless, never served).
 */
export async function savePhoto(
	db: Db,
	input: { pointId: number; userId: number | null; file: File }
): Promise<number> {
	const { file } = input;
	if (file.size === 0) refuse('photo', 'photo_empty');
	// Refused on its declared size, before its bytes are copied or walked.
	if (file.size > MAX_PHOTO_BYTES) refuse('photo', 'photo_too_large');
	const original = new Uint8Array(await file.arrayBuffer());
	const type = detectImageType(original) ?? refuse('photo', 'photo_not_image');
	let clean: Uint8Array;
	try {
		// By the header alone: a few KB can declare a picture no viewer's browser could decode.
		const { width, height } = imageDimensions(original, type);
		if (tooManyPixels(width, height)) refuse('photo', 'photo_too_many_pixels');
		clean = stripMetadata(original, type);
	} catch (e) {
		if (e instanceof MalformedImageError) refuse('photo', 'photo_not_image');
		throw e;
	}

	const fileName = `${randomUUID()}.${imageExtension[type]}`;
	const target = storedPath(fileName);
	fs.mkdirSync(config.photoDir, { recursive: true });
	// 'wx' never overwrites: a name clash fails loudly instead of replacing another photo.
	fs.writeFileSync(target, clean, { flag: 'wx', mode: 0o640 });
	try {
		return await insertPhoto(db, {
			point_id: input.pointId,
			file_name: fileName,
			mime: imageMime[type],
			bytes: clean.length,
			created_by: input.userId,
			created_at: now()
		});
	} catch (e) {
		fs.rmSync(target, { force: true });
		throw e;
	}
}

/** The stored bytes; throws (ENOENT) when the file is gone. */
export function readPhoto(photo: Pick<PhotoRow, 'file_name'>): Buffer {
	return fs.readFileSync(storedPath(photo.file_name));
}

/**
 * Removes a photo's row and then its file; for undoing an upload whose form was refused after
 * savePhoto ran outside the form's transaction. Fails (foreign key) while an event still uses it.
 */
export async function deletePhoto(db: Db, id: number): Promise<void> {
	const photo = await findPhoto(db, id);
	if (!photo) return;
	await deletePhotoRow(db, id);
	fs.rmSync(storedPath(photo.file_name), { force: true });
}
