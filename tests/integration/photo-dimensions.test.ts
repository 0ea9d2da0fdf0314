// A few bytes can declare a picture no browser can decode: such uploads are refused by their
// header, before anything is stored, with the limit named next to the photo field.
import fs from 'node:fs';
import { deflateSync } from 'node:zlib';
import type { ActionFailure } from '@sveltejs/kit';
import { beforeEach, describe, expect, it } from 'vitest';
import { refusalMessage } from '../../src/lib/text/refusals';
import { savePhoto } from '../../src/lib/server/registers/photos.service';
import { addSignboard } from '../../src/lib/server/registers/signboards.service';
import * as registersPage from '../../src/routes/(app)/points/[id=id]/registers/+page.server';
import { callAction, makeEvent, useLocale } from '../helpers/event';
import { PNG_SIGNATURE, pngChunk, riff, riffChunk } from '../helpers/images';
import { refusalOf, registerSnapshot } from '../helpers/registers';
import { KEPT_CATEGORY, useScenario } from '../helpers/scenario';

const s = useScenario(
	{
		points: { own: 'village' },
		users: { staff: ['staff', 'village'] },
		categories: { kept: KEPT_CATEGORY },
		tempDirs: { PHOTO_DIR: 'jfgc-photo-size-' }
	},
	{ fresh: 'all' }
);
const { points, users, categories } = s;

beforeEach(async () => {
	await s.db.deleteFrom('photos').execute();
	fs.rmSync(s.dirs.PHOTO_DIR, { recursive: true, force: true });
	useLocale('zh');
});

const storedFiles = () => (fs.existsSync(s.dirs.PHOTO_DIR) ? fs.readdirSync(s.dirs.PHOTO_DIR) : []);
const photoRows = () => s.db.selectFrom('photos').selectAll().execute();

/** A well-formed PNG (IHDR, one IDAT, IEND, valid CRCs) of a few dozen bytes declaring any size. */
function pngDeclaring(width: number, height: number): Buffer {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8;
	ihdr[9] = 2;
	return Buffer.concat([
		PNG_SIGNATURE,
		pngChunk('IHDR', ihdr),
		pngChunk('IDAT', deflateSync(Buffer.from([0, 255, 0, 0]))),
		pngChunk('IEND', Buffer.alloc(0))
	]);
}

function jpegDeclaring(width: number, height: number): Buffer {
	const sof = [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0];
	return Buffer.concat([
		Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0, sof.length + 2, ...sof]),
		Buffer.from([0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00, 0xd2, 0xcf, 0xff, 0xd9])
	]);
}

function webpDeclaring(width: number, height: number): Buffer {
	const vp8x = Buffer.alloc(10);
	vp8x.writeUIntLE(width - 1, 4, 3);
	vp8x.writeUIntLE(height - 1, 7, 3);
	const vp8l = Buffer.from([0x2f, 0x00, 0x00, 0x00, 0x00, 0x07, 0x10, 0x11, 0x11, 0x88]);
	return riff([riffChunk('VP8X', vp8x), riffChunk('VP8L', vp8l)]);
}

const file = (bytes: Buffer, name: string, type: string) => new File([new Uint8Array(bytes)], name, { type });
const save = (f: File) => savePhoto(s.db, { pointId: points.own.id, userId: users.staff.id, file: f });

describe('savePhoto and declared dimensions', () => {
	it('refuses a 100000×100000 PNG header and stores nothing', async () => {
		const bomb = pngDeclaring(100_000, 100_000);
		expect(bomb.length).toBeLessThan(100);
		expect(await refusalOf(save(file(bomb, 'bomb.png', 'image/png')))).toEqual({
			photo: 'photo_too_many_pixels'
		});
		expect(await photoRows()).toEqual([]);
		expect(storedFiles()).toEqual([]);
	});

	it('refuses the same in JPEG and WebP, and one side over 20,000 px', async () => {
		for (const f of [
			file(jpegDeclaring(65_535, 65_535), 'bomb.jpg', 'image/jpeg'),
			file(webpDeclaring(100_000, 100_000), 'bomb.webp', 'image/webp'),
			file(pngDeclaring(30_000, 10), 'strip.png', 'image/png')
		])
			expect(await refusalOf(save(f))).toEqual({ photo: 'photo_too_many_pixels' });
		expect(await photoRows()).toEqual([]);
		expect(storedFiles()).toEqual([]);
	});

	it('refuses a picture declaring zero pixels as not an image', async () => {
		expect(await refusalOf(save(file(pngDeclaring(0, 0), 'empty.png', 'image/png')))).toEqual({
			photo: 'photo_not_image'
		});
		expect(storedFiles()).toEqual([]);
	});

	it('still takes an ordinary photo size', async () => {
		const photoId = await save(file(pngDeclaring(4032, 3024), 'phone.png', 'image/png'));
		expect(photoId).toBeGreaterThan(0);
		expect(storedFiles()).toHaveLength(1);
	});

	it('explains the refusal in Chinese and in English', () => {
		expect(refusalMessage({ code: 'photo_too_many_pixels' })).toBe(
			'图片尺寸过大：每边不能超过 20000 像素，总计不能超过 40 百万像素。请缩小后再上传。'
		);
		useLocale('en');
		expect(refusalMessage({ code: 'photo_too_many_pixels' })).toBe(
			'The picture is too large: at most 20000 pixels a side and 40 megapixels in all. Please make it smaller and upload it again.'
		);
	});
});

describe('removing a plate with such a photo', () => {
	it('answers 400 with the message on the photo field, writing nothing', async () => {
		const { id } = (await addSignboard(s.db, users.staff.id, points.own.id, {
			text: '党群服务中心',
			categoryId: categories.kept,
			placement: null,
			department: null,
			hungOn: '2026-01-01'
		})) as { id: number };
		const before = await registerSnapshot(s.db);
		const form = new FormData();
		form.set('id', String(id));
		form.set('removedOn', '2026-03-01');
		form.set('photo', file(pngDeclaring(100_000, 100_000), 'bomb.png', 'image/png'));
		const event = makeEvent({
			user: users.staff,
			params: { id: String(points.own.id) },
			url: `/points/${points.own.id}/registers`,
			form
		});
		const r = (await callAction(registersPage.actions.removePlate, event)) as ActionFailure<{
			form: { errors: Record<string, string[] | undefined> };
		}>;
		expect(r.status).toBe(400);
		expect(r.data.form.errors.photo?.[0]).toBe(refusalMessage({ code: 'photo_too_many_pixels' }));
		expect(r.data.form.errors.photo?.[0]).toContain('20000');
		expect(await registerSnapshot(s.db)).toEqual(before);
		expect(await photoRows()).toEqual([]);
		expect(storedFiles()).toEqual([]);
	});
});
