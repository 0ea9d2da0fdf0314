// Shared by the upload forms (client) and the photo service (server).

/** The largest evidence photo, in MB as forms and messages show it. */
export const MAX_PHOTO_MB = 5;

/** The largest picture by its declared pixels; a phone's usual 12 MP photo is far inside. */
export const MAX_PHOTO_MEGAPIXELS = 40;
export const MAX_PHOTO_SIDE = 20_000;

/** Whether a picture of this declared size is too big for a viewer's browser to decode safely. */
export function tooManyPixels(width: number, height: number): boolean {
	return (
		width > MAX_PHOTO_SIDE || height > MAX_PHOTO_SIDE || width * height > MAX_PHOTO_MEGAPIXELS * 1_000_000
	);
}

/** What the file input accepts; the server still checks the bytes themselves. */
export const PHOTO_ACCEPT = 'image/jpeg,image/png,image/webp';
