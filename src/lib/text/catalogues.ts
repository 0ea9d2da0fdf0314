import { m } from '$lib/paraglide/messages.js';
import type { CertificateStatus, SignboardPlacement, SignboardStatus } from '$lib/domain/catalogues';

export const statusLabel: Record<SignboardStatus | CertificateStatus, () => string> = {
	cancelled: m.catalogue_status_cancelled,
	kept: m.catalogue_status_kept,
	retained: m.catalogue_status_retained
};

export const placementLabel: Record<SignboardPlacement, () => string> = {
	exterior: m.catalogue_placement_exterior,
	interior: m.catalogue_placement_interior,
	wall: m.catalogue_placement_wall
};
