// Messages for a refused photo upload, for the forms that take evidence photos.
import { MAX_PHOTO_MB, MAX_PHOTO_MEGAPIXELS, MAX_PHOTO_SIDE, type PhotoProblem } from '$lib/domain/photos';
import { m } from '$lib/paraglide/messages.js';

export function photoProblemMessage(problem: PhotoProblem): string {
	switch (problem) {
		case 'empty':
			return m.photo_empty();
		case 'too_large':
			return m.photo_too_large({ max: MAX_PHOTO_MB });
		case 'not_image':
			return m.photo_not_image();
		case 'too_many_pixels':
			return m.photo_too_many_pixels({ side: MAX_PHOTO_SIDE, mp: MAX_PHOTO_MEGAPIXELS });
	}
}
