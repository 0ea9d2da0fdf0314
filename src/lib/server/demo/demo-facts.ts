// What the demo seeds on purpose, named by point code, so the seeding and the tests read one list.
// The codes are points choosePoints picks from the bundled Ningxia division list.
import { chinaDate, quarterOf, shiftQuarter } from '../../domain/periods';

/** Closed quarters before the current one; the first is the baseline, before the reform. */
export const HISTORY_QUARTERS = 8;

/** The history quarter (0 = baseline) from whose round on the late points are targeted. */
export const LATE_JOIN_QUARTER = 3;

export interface DemoPointFact {
	code: string;
	name: string;
}

export interface DemoRebound extends DemoPointFact {
	/** The answer item, or the register figure (named as its checklist item), that gets worse. */
	indicator: string;
	source: 'answers' | 'registers';
	/** The first quarter it shows in, counted from the current quarter: -1 is the last closed one. */
	quarterOffset: number;
	/** Other indicators that rebound with it at the point, as a consequence. */
	alongWith?: string[];
}

// The plate hung again is an exterior one, and no longer counts as removed.
const PLATE_REHUNG = ['signboards_cancelled_hung', 'signboards_exterior', 'signboards_removed'];

/**
 * The rebounds the trends dashboard finds under the default rule in the last closed quarter: a
 * cancelled thing back (a rebound at once), or a count well above its usual level for the last
 * four quarters; every other point holds its reduction on every indicator.
 */
export const DEMO_REBOUND_POINTS: DemoRebound[] = [
	// In 兴庆区 beside the staff demo point, so the reviewer account sees a rebound too.
	{
		code: '640104101208',
		name: '燕鸽村委会',
		indicator: 'signboards_rehung',
		source: 'registers',
		quarterOffset: -1,
		alongWith: PLATE_REHUNG
	},
	{
		code: '640202100209',
		name: '枣香村委会',
		indicator: 'signboards_rehung',
		source: 'registers',
		quarterOffset: -1,
		alongWith: PLATE_REHUNG
	},
	{
		code: '640402107202',
		name: '胡大堡村委会',
		indicator: 'signboards_rehung',
		source: 'registers',
		quarterOffset: -1,
		alongWith: PLATE_REHUNG
	},
	{
		code: '640302104202',
		name: '花寺村委会',
		indicator: 'certificates_cancelled_issued',
		source: 'registers',
		quarterOffset: -1
	},
	{
		code: '640424102212',
		name: '周沟村委会',
		indicator: 'certificates_cancelled_issued',
		source: 'registers',
		quarterOffset: -1
	},
	{
		code: '640122102214',
		name: '通义村委会',
		indicator: 'secondments_unapproved',
		source: 'registers',
		quarterOffset: -1,
		alongWith: ['secondments_active', 'compliance_rate']
	},
	{
		code: '640106003011',
		name: '金宇名庭社区',
		indicator: 'meetings_attended',
		source: 'answers',
		quarterOffset: -4
	},
	{
		code: '640181102207',
		name: '杜木桥村委会',
		indicator: 'data_requests',
		source: 'answers',
		quarterOffset: -4
	},
	{
		code: '640303001005',
		name: '博大社区居民委员会',
		indicator: 'meetings_attended',
		source: 'answers',
		quarterOffset: -4
	},
	{
		code: '640381104206',
		name: '友谊村委会',
		indicator: 'work_groups',
		source: 'answers',
		quarterOffset: -4
	},
	{
		code: '640425200209',
		name: '何山村委会',
		indicator: 'inspections_received',
		source: 'answers',
		quarterOffset: -4
	}
];

/** Points made points only after the first rounds were opened, so those rounds do not ask them. */
export const DEMO_LATE_POINTS: DemoPointFact[] = [
	{ code: '640422203207', name: '陈家大坪村委会' },
	{ code: '640502105215', name: '敬农村委会' }
];

export const reboundsAt = (code: string) => DEMO_REBOUND_POINTS.filter((r) => r.code === code);

/** The closed history quarters, oldest (the baseline) first, and the current quarter. */
export function demoQuarters(today = chinaDate()) {
	const current = quarterOf(today);
	const history = Array.from({ length: HISTORY_QUARTERS }, (_, k) =>
		shiftQuarter(current, k - HISTORY_QUARTERS)
	);
	return { history, current };
}

export const addDays = (date: string, days: number) =>
	new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
