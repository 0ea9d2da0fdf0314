// The photos table: one row per stored evidence photo (the bytes are on disk, see photos.service).
import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../db';
import type { PhotosTable } from '../db/schema';

export type PhotoRow = Selectable<PhotosTable>;

export async function insertPhoto(db: Db, row: Insertable<PhotosTable>): Promise<number> {
	const { id } = await db.insertInto('photos').values(row).returning('id').executeTakeFirstOrThrow();
	return id;
}

export function findPhoto(db: Db, id: number): Promise<PhotoRow | undefined> {
	return db.selectFrom('photos').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function deletePhotoRow(db: Db, id: number): Promise<void> {
	await db.deleteFrom('photos').where('id', '=', id).execute();
}
