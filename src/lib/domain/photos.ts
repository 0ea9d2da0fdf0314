// Shared by the upload forms (client) and the photo service (server).

export type PhotoProblem = 'empty' | 'too_large' | 'not_image';

/** The largest evidence photo, in MB as forms and messages show it. */
export const MAX_PHOTO_MB = 5;

/** What the file input accepts; the server still checks the bytes themselves. */
export const PHOTO_ACCEPT = 'image/jpeg,image/png,image/webp';
