// The two catalogues' vocabularies, shared by the server, the forms and the pages.
export const signboardStatuses = ['cancelled', 'kept'] as const;
export const signboardPlacements = ['exterior', 'interior', 'wall'] as const;
export const certificateStatuses = ['cancelled', 'retained'] as const;

export type SignboardStatus = (typeof signboardStatuses)[number];
export type SignboardPlacement = (typeof signboardPlacements)[number];
export type CertificateStatus = (typeof certificateStatuses)[number];
export type CatalogueKind = 'signboard' | 'certificate';
export const catalogueKinds = ['signboard', 'certificate'] as const satisfies readonly CatalogueKind[];
