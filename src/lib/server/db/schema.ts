import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { PeriodKind } from '../../domain/periods';

// One encoding for the whole schema: times are ISO-8601 UTC strings, booleans are 0/1.
export type IsoTime = string;
export type Flag = 0 | 1;

export interface RegionsTable {
	code: string;
	parent_code: string | null;
	level: number;
	name: string;
}

export interface PointsTable {
	id: Generated<number>;
	region_code: string;
	type: 'village' | 'community';
	active: Generated<Flag>;
	contact_name: string | null;
	contact_phone: string | null;
	created_at: IsoTime;
	deactivated_at: IsoTime | null;
}

export interface UsersTable {
	id: Generated<number>;
	username: string;
	display_name: string;
	role: 'admin' | 'analyst' | 'reviewer' | 'staff';
	region_code: string | null;
	point_id: number | null;
	password_hash: string;
	must_change_password: Generated<Flag>;
	active: Generated<Flag>;
	created_at: IsoTime;
}

export interface SessionsTable {
	id: string;
	user_id: number;
	expires_at: IsoTime;
	created_at: IsoTime;
}

export interface AuditLogTable {
	id: Generated<number>;
	at: IsoTime;
	user_id: number | null;
	action: string;
	entity_type: string;
	entity_id: string | null;
	changes: string | null;
	ip: string | null;
}

export interface SignInThrottleTable {
	key: string;
	failures: number;
	last_failure_at: IsoTime;
	locked_until: IsoTime | null;
}

export interface AppSettingsTable {
	key: string;
	value: string;
}

export interface ChecklistTemplatesTable {
	id: Generated<number>;
	name: string;
	created_at: IsoTime;
}

export interface TemplateVersionsTable {
	id: Generated<number>;
	template_id: number;
	version: number;
	status: 'draft' | 'published';
	/** JSON of a ChecklistDefinition. */
	definition: string;
	created_at: IsoTime;
	published_at: IsoTime | null;
}

export type RoundStatus = 'draft' | 'open' | 'closed';

export interface RoundsTable {
	id: Generated<number>;
	name: string;
	period_kind: PeriodKind;
	/** Dates are YYYY-MM-DD, in China time. */
	period_start: string;
	period_end: string;
	template_version_id: number;
	target_region_code: string | null;
	opens_on: string;
	due_on: string;
	status: RoundStatus;
	created_by: number | null;
	created_at: IsoTime;
}

export interface RoundTargetsTable {
	round_id: number;
	point_id: number;
}

export type SubmissionStatus = 'draft' | 'submitted' | 'returned' | 'accepted';

export interface SubmissionsTable {
	id: Generated<number>;
	round_id: number;
	point_id: number;
	status: SubmissionStatus;
	version: number;
	client_token: string | null;
	/** The last save applied, so a replayed save is recognised (null before the first token). */
	save_token: Generated<string | null>;
	late: Generated<Flag>;
	submitted_at: IsoTime | null;
	submitted_by: number | null;
	reviewed_at: IsoTime | null;
	reviewed_by: number | null;
	review_note: string | null;
	created_at: IsoTime;
	updated_at: IsoTime;
}

export interface AnswersTable {
	submission_id: number;
	item_key: string;
	/** JSON of an AnswerValue. */
	value: string;
	note: string | null;
}

export type SignboardPlacement = 'exterior' | 'interior' | 'wall';

export interface SignboardCategoriesTable {
	id: Generated<number>;
	name: string;
	status: 'cancelled' | 'kept';
	placement: SignboardPlacement;
	note: string | null;
	active: Generated<Flag>;
	created_at: IsoTime;
}

export interface CertificateItemsTable {
	id: Generated<number>;
	name: string;
	status: 'cancelled' | 'retained';
	basis: string | null;
	active: Generated<Flag>;
	created_at: IsoTime;
}

export interface PhotosTable {
	id: Generated<number>;
	point_id: number;
	file_name: string;
	mime: 'image/jpeg' | 'image/png' | 'image/webp';
	bytes: number;
	created_by: number | null;
	created_at: IsoTime;
}

export interface SignboardsTable {
	id: Generated<number>;
	point_id: number;
	category_id: number;
	text: string;
	placement: SignboardPlacement;
	department: string | null;
	state: 'hung' | 'removed';
	created_at: IsoTime;
	updated_at: IsoTime;
}

export interface SignboardEventsTable {
	id: Generated<number>;
	signboard_id: number;
	kind: 'hung' | 'removed' | 'rehung';
	on_date: string;
	photo_id: number | null;
	note: string | null;
	created_by: number | null;
	created_at: IsoTime;
}

export interface PointCertificatesTable {
	point_id: number;
	item_id: number;
	status: 'issuing' | 'stopped';
	since: string;
	updated_at: IsoTime;
}

export interface CertificateCountsTable {
	point_id: number;
	item_id: number;
	period_start: string;
	period_end: string;
	issued: number;
	updated_at: IsoTime;
}

export interface SecondmentsTable {
	id: Generated<number>;
	point_id: number;
	person_name: string;
	post: string | null;
	borrowing_unit: string;
	start_date: string;
	expected_end: string | null;
	return_date: string | null;
	approved: Generated<Flag>;
	approval_ref: string | null;
	created_at: IsoTime;
	updated_at: IsoTime;
}

export interface IndicatorPeriodsTable {
	key: string;
	kind: PeriodKind;
	start_date: string;
	end_date: string;
}

export interface PointIndicatorsTable {
	point_id: number;
	period_key: string;
	indicator: string;
	region_code: string;
	value: number;
	status: 'holding' | 'watch' | 'rebounding' | null;
	/** Why, in the rule's words (rebound.ts Reason), with the figures the explanation quotes. */
	reason: string | null;
	level: number | null;
	upper: number | null;
	recent: number | null;
	span: number;
	history: number;
	/** Overall rows: the status under 较敏感, 标准, 较稳健, one letter each (h, w, r, -). */
	statuses: string | null;
	submission_id: number | null;
}

export interface RegionIndicatorsTable {
	region_code: string;
	period_key: string;
	indicator: string;
	/** Sums over the points below the region that have a value in the period. */
	total: number;
	points: number;
	holding: number;
	watching: number;
	rebounding: number;
}

export type RebuildStatus = 'queued' | 'running' | 'done' | 'failed' | 'superseded';

export interface RebuildsTable {
	id: Generated<number>;
	/** JSON TrendRule: in force once the rebuild completes. */
	rule: string;
	status: RebuildStatus;
	/** Points are rebuilt in id order; those up to this id are in the next tables. */
	done_through: number;
	done_points: number;
	total_points: number;
	/** rule, catalogue or migration: what asked for it. */
	reason: string;
	error: string | null;
	created_by: number | null;
	created_at: string;
	started_at: string | null;
	finished_at: string | null;
}

/** expired: done, and its files deleted after the retention period. */
export type ReportStatus = 'queued' | 'running' | 'done' | 'failed' | 'expired';

export interface ReportsTable {
	id: Generated<number>;
	region_code: string;
	quarter: string;
	locale: 'zh' | 'en';
	issuer: string;
	title: string | null;
	status: ReportStatus;
	progress: Generated<number>;
	error: string | null;
	/** JSON: file name → bytes. */
	files: string | null;
	/** JSON: the report's words (title page and sections) for the print view; null until done, and once expired. */
	content: string | null;
	created_by: number;
	created_at: IsoTime;
	started_at: IsoTime | null;
	finished_at: IsoTime | null;
}

export interface Database {
	regions: RegionsTable;
	points: PointsTable;
	users: UsersTable;
	sessions: SessionsTable;
	audit_log: AuditLogTable;
	sign_in_throttle: SignInThrottleTable;
	app_settings: AppSettingsTable;
	point_indicators_next: PointIndicatorsTable;
	region_indicators_next: RegionIndicatorsTable;
	rebuilds: RebuildsTable;
	checklist_templates: ChecklistTemplatesTable;
	template_versions: TemplateVersionsTable;
	rounds: RoundsTable;
	round_targets: RoundTargetsTable;
	submissions: SubmissionsTable;
	answers: AnswersTable;
	signboard_categories: SignboardCategoriesTable;
	certificate_items: CertificateItemsTable;
	photos: PhotosTable;
	signboards: SignboardsTable;
	signboard_events: SignboardEventsTable;
	point_certificates: PointCertificatesTable;
	certificate_counts: CertificateCountsTable;
	secondments: SecondmentsTable;
	indicator_periods: IndicatorPeriodsTable;
	point_indicators: PointIndicatorsTable;
	region_indicators: RegionIndicatorsTable;
	reports: ReportsTable;
}

export type RegionRow = Selectable<RegionsTable>;
export type NewRegion = Insertable<RegionsTable>;
export type PointRow = Selectable<PointsTable>;
export type NewPoint = Insertable<PointsTable>;
export type PointUpdate = Updateable<PointsTable>;
export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type TemplateVersionRow = Selectable<TemplateVersionsTable>;
export type RoundRow = Selectable<RoundsTable>;
export type SubmissionRow = Selectable<SubmissionsTable>;
