import { notFound, requirePoint } from '$lib/server/auth/access';
import { db } from '$lib/server/db';
import { findPoint } from '$lib/server/points/points.repository';
import { findPhoto, readPhoto } from '$lib/server/registers/photos.service';
import type { RequestHandler } from './$types';

const extensions = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' } as const;

// A missing photo, a photo of a point out of scope and a lost file all answer the same 404.
export const GET: RequestHandler = async (event) => {
	const photo = await findPhoto(db(), Number(event.params.id));
	const point = photo ? await findPoint(db(), photo.point_id) : undefined;
	requirePoint(event, point && { id: point.id, regionCode: point.region_code });
	let bytes: Buffer;
	try {
		bytes = readPhoto(photo!);
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code === 'ENOENT') notFound();
		throw e;
	}
	return new Response(new Uint8Array(bytes), {
		headers: {
			'Content-Type': photo!.mime,
			'Content-Length': String(bytes.length),
			'X-Content-Type-Options': 'nosniff',
			'Cache-Control': 'private, max-age=3600',
			'Content-Disposition': `inline; filename="photo-${photo!.id}.${extensions[photo!.mime]}"`
		}
	});
};
