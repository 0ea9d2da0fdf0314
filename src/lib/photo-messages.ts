// Messages for a refused photo upload, for the forms that take evidence photos.
import { MAX_PHOTO_MB, type PhotoProblem } from '$lib/domain/photos';
import { m } from '$lib/paraglide/messages.js';

export function photoProblemMessage(problem: PhotoProblem): string {
	switch (problem) {
		case 'empty':
			return m.photo_empty();
		case 'too_large':
			return m.photo_too_large({ max: MAX_PHOTO_MB });
		case 'not_image':
			return m.photo_not_image();
	}
}
