// Evidence photos through the real service and the real GET endpoint, stored in a temp PHOTO_DIR.
import fs from 'node:fs';
import path from 'node:path';
import { isHttpError, isRedirect } from '@sveltejs/kit';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PublicUser } from '../../src/lib/domain/roles';
import { refusalMessage } from '../../src/lib/text/refusals';
import {
	deletePhoto,
	findPhoto,
	MAX_PHOTO_BYTES,
	readPhoto,
	savePhoto
} from '../../src/lib/server/registers/photos.service';
import * as photoEndpoint from '../../src/routes/(app)/photos/[id=id]/+server';
import { makeEvent, thrownBy, useLocale } from '../helpers/event';
import { jpegWithExif, pngWithText, webpWithExif } from '../helpers/images';
import { refusalOf } from '../helpers/registers';
import { useScenario } from '../helpers/scenario';

const s = useScenario(
	{
		points: { own: 'village', neighbour: 'community' },
		users: {
			staff: ['staff', 'village'],
			neighbourStaff: ['staff', 'community'],
			reviewer: ['reviewer', 'county'],
			farReviewer: ['reviewer', 'otherCounty']
		},
		tempDirs: { PHOTO_DIR: 'jfgc-photos-' }
	},
	{ fresh: 'all' }
);
const { points, users } = s;

beforeEach(async () => {
	await s.db.deleteFrom('photos').execute();
	fs.rmSync(s.dirs.PHOTO_DIR, { recursive: true, force: true });
});

const storedFiles = () => (fs.existsSync(s.dirs.PHOTO_DIR) ? fs.readdirSync(s.dirs.PHOTO_DIR) : []);
const photoRows = () => s.db.selectFrom('photos').selectAll().execute();
const upload = (bytes: Uint8Array, name: string, type: string) =>
	new File([new Uint8Array(bytes)], name, { type });
const has = (bytes: Uint8Array, s: string) => Buffer.from(bytes).includes(Buffer.from(s, 'latin1'));

async function saved(file: File, pointId = points.own.id): Promise<number> {
	return savePhoto(s.db, { pointId, userId: users.staff.id, file });
}

describe('savePhoto', () => {
	it('refuses a text file named x.jpg sent as image/jpeg, and writes nothing', async () => {
		const file = upload(Buffer.from('GPS 38.48N, just some text'), 'x.jpg', 'image/jpeg');
		const result = await refusalOf(savePhoto(s.db, { pointId: points.own.id, userId: users.staff.id, file }));
		expect(result).toEqual({ photo: 'photo_not_image' });
		expect(await photoRows()).toEqual([]);
		expect(storedFiles()).toEqual([]);
	});

	it('refuses a JPEG of 5 MB and one byte as too large, and writes nothing', async () => {
		const big = Buffer.alloc(MAX_PHOTO_BYTES + 1);
		jpegWithExif().copy(big);
		const result = await refusalOf(
			savePhoto(s.db, {
				pointId: points.own.id,
				userId: users.staff.id,
				file: upload(big, 'big.jpg', 'image/jpeg')
			})
		);
		expect(result).toEqual({ photo: 'photo_too_large' });
		expect(await photoRows()).toEqual([]);
		expect(storedFiles()).toEqual([]);
	});

	it('accepts a JPEG of exactly 5 MB', async () => {
		// Zeros after EOI: a walkable JPEG of the full size (the padding is not stored).
		const exact = Buffer.alloc(MAX_PHOTO_BYTES);
		jpegWithExif().copy(exact);
		const id = await saved(upload(exact, 'exact.jpg', 'image/jpeg'));
		expect((await findPhoto(s.db, id))?.mime).toBe('image/jpeg');
	});

	it('refuses an empty file', async () => {
		const result = await refusalOf(
			savePhoto(s.db, {
				pointId: points.own.id,
				userId: users.staff.id,
				file: upload(new Uint8Array(), 'blank.png', 'image/png')
			})
		);
		expect(result).toEqual({ photo: 'photo_empty' });
		expect(storedFiles()).toEqual([]);
	});

	it('refuses a file with an image magic number but a broken structure', async () => {
		const broken = pngWithText().subarray(0, 40);
		const result = await refusalOf(
			savePhoto(s.db, {
				pointId: points.own.id,
				userId: users.staff.id,
				file: upload(broken, 'broken.png', 'image/png')
			})
		);
		expect(result).toEqual({ photo: 'photo_not_image' });
		expect(storedFiles()).toEqual([]);
	});

	it('stores a PNG under a random name in PHOTO_DIR, with its metadata stripped on disk', async () => {
		const original = pngWithText();
		const id = await saved(upload(original, '../../张三的家.png', 'image/png'));
		const row = await findPhoto(s.db, id);
		expect(row).toMatchObject({ point_id: points.own.id, mime: 'image/png', created_by: users.staff.id });
		expect(row!.file_name).toMatch(/^[0-9a-f-]{36}\.png$/);
		expect(storedFiles()).toEqual([row!.file_name]);
		const onDisk = fs.readFileSync(path.join(s.dirs.PHOTO_DIR, row!.file_name));
		expect(row!.bytes).toBe(onDisk.length);
		expect(onDisk.length).toBeLessThan(original.length);
		expect(has(onDisk, 'Zhang San')).toBe(false);
		expect(has(onDisk, 'GPS')).toBe(false);
		expect(has(onDisk, 'IDAT')).toBe(true);
		expect(readPhoto(row!).equals(onDisk)).toBe(true);
	});

	it('names two uploads of the same picture differently', async () => {
		const a = await saved(upload(pngWithText(), 'same.png', 'image/png'));
		const b = await saved(upload(pngWithText(), 'same.png', 'image/png'));
		expect((await findPhoto(s.db, a))!.file_name).not.toBe((await findPhoto(s.db, b))!.file_name);
		expect(storedFiles()).toHaveLength(2);
	});

	it('takes the type from the bytes, whatever the name and content type say', async () => {
		const id = await saved(upload(webpWithExif(), 'photo.jpg', 'image/jpeg'));
		const row = (await findPhoto(s.db, id))!;
		expect(row.mime).toBe('image/webp');
		expect(row.file_name).toMatch(/\.webp$/);
		expect(has(readPhoto(row), 'GPS')).toBe(false);
	});

	it('strips the Exif GPS from a JPEG before it is written', async () => {
		const id = await saved(upload(jpegWithExif(), 'IMG_0001.JPG', 'image/jpeg'));
		const row = (await findPhoto(s.db, id))!;
		expect(row.file_name).toMatch(/\.jpg$/);
		expect(has(readPhoto(row), 'GPS')).toBe(false);
	});

	it('removes the written file again when the row cannot be inserted', async () => {
		const file = upload(pngWithText(), 'x.png', 'image/png');
		// No such point: the foreign key refuses the row after the file is written.
		await expect(savePhoto(s.db, { pointId: 999_999, userId: users.staff.id, file })).rejects.toThrow();
		expect(await photoRows()).toEqual([]);
		expect(storedFiles()).toEqual([]);
	});

	it('runs inside a caller’s transaction', async () => {
		const photoId = await s.db.transaction().execute((trx) =>
			savePhoto(trx, {
				pointId: points.own.id,
				userId: users.staff.id,
				file: upload(pngWithText(), 'x.png', 'image/png')
			})
		);
		expect(await findPhoto(s.db, photoId)).toBeDefined();
	});
});

describe('deletePhoto', () => {
	it('removes the row and the file, and ignores a missing id', async () => {
		const keep = await saved(upload(pngWithText(), 'keep.png', 'image/png'));
		const drop = await saved(upload(pngWithText(), 'drop.png', 'image/png'));
		await deletePhoto(s.db, drop);
		await deletePhoto(s.db, 424242);
		expect((await photoRows()).map((r) => r.id)).toEqual([keep]);
		expect(storedFiles()).toEqual([(await findPhoto(s.db, keep))!.file_name]);
	});
});

describe('the photo refusals', () => {
	it('explains each refusal in Chinese and in English', () => {
		useLocale('zh');
		expect(refusalMessage({ code: 'photo_not_image' })).toBe('只能上传 JPEG、PNG 或 WebP 图片。');
		expect(refusalMessage({ code: 'photo_too_large' })).toBe('图片不能超过 5 MB。');
		expect(refusalMessage({ code: 'photo_empty' })).toContain('空');
		useLocale('en');
		expect(refusalMessage({ code: 'photo_not_image' })).toBe(
			'Only JPEG, PNG or WebP pictures can be uploaded.'
		);
		expect(refusalMessage({ code: 'photo_too_large' })).toBe('A photo can be at most 5 MB.');
		useLocale('zh');
	});
});

describe('GET /photos/[id]', () => {
	const get = (user: PublicUser | null, id: number) =>
		(photoEndpoint.GET as unknown as (e: unknown) => Promise<Response>)(
			makeEvent({ user, url: `/photos/${id}`, params: { id: String(id) } })
		);

	it("serves the photo to the point's staff with safe headers", async () => {
		const id = await saved(upload(pngWithText(), '张三.png', 'image/png'));
		const response = await get(users.staff, id);
		expect(response.status).toBe(200);
		expect(response.headers.get('Content-Type')).toBe('image/png');
		expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
		expect(response.headers.get('Cache-Control')).toBe('private, max-age=3600');
		expect(response.headers.get('Content-Disposition')).toBe(`inline; filename="photo-${id}.png"`);
		const body = Buffer.from(await response.arrayBuffer());
		expect(body.equals(readPhoto((await findPhoto(s.db, id))!))).toBe(true);
	});

	it('serves the photo to a reviewer whose region covers the point', async () => {
		const id = await saved(upload(jpegWithExif(), 'a.jpg', 'image/jpeg'));
		const response = await get(users.reviewer, id);
		expect(response.status).toBe(200);
		expect(response.headers.get('Content-Type')).toBe('image/jpeg');
	});

	it("answers 404 to another point's staff and to a reviewer elsewhere", async () => {
		const id = await saved(upload(pngWithText(), 'a.png', 'image/png'));
		expect(isHttpError(await thrownBy(() => get(users.neighbourStaff, id)), 404)).toBe(true);
		expect(isHttpError(await thrownBy(() => get(users.farReviewer, id)), 404)).toBe(true);
	});

	it('answers 404 for a missing photo, and for a row whose file is gone', async () => {
		expect(isHttpError(await thrownBy(() => get(users.staff, 424242)), 404)).toBe(true);
		const id = await saved(upload(pngWithText(), 'a.png', 'image/png'));
		fs.rmSync(path.join(s.dirs.PHOTO_DIR, (await findPhoto(s.db, id))!.file_name));
		expect(isHttpError(await thrownBy(() => get(users.staff, id)), 404)).toBe(true);
	});

	it('sends a signed-out visitor to sign in', async () => {
		const id = await saved(upload(pngWithText(), 'a.png', 'image/png'));
		const e = await thrownBy(() => get(null, id));
		expect(isRedirect(e)).toBe(true);
		if (isRedirect(e)) expect(e.location).toBe(`/login?redirectTo=${encodeURIComponent(`/photos/${id}`)}`);
	});
});
