import type { ChecklistDefinition } from './checklist';

// The product's default 六必查. No national text fixes the six items; this is a starting point
// built on the six burdens of the reform, which each reform office edits.
// carriesOver: standing facts (plates up, committees hosted, apps and groups required, people
// seconded) carry to the next round; what happened in the period (本期…), the free-text burden and
// the 总体负担感受 do not and are answered each round.
export const DEFAULT_TEMPLATE_NAME = '村（社区）减负“六必查”清单（默认模板）';

const yesNo = { kind: 'yes_no' as const, required: true };
const count = { kind: 'count' as const, required: true };

export const defaultDefinition: ChecklistDefinition = {
	sections: [
		{
			key: 'signboards',
			title: '查牌子',
			items: [
				{
					key: 'signboards_exterior',
					carriesOver: true,
					...count,
					label: '办公场所外挂的牌子有几块？',
					help: '按实际挂出的数量填，含规范保留的。',
					max: 200
				},
				{
					key: 'signboards_interior',
					carriesOver: true,
					...count,
					label: '室内门牌和上墙制度有几块？',
					max: 500
				},
				{
					key: 'signboards_rehung',
					carriesOver: false,
					...yesNo,
					label: '本期有没有已取消类别的牌子重新挂出？',
					compliantWhen: { op: 'eq', value: false }
				},
				{
					key: 'signboards_rehung_detail',
					carriesOver: false,
					kind: 'short_text',
					required: true,
					label: '重新挂出的是哪些牌子、由哪个部门要求？',
					showWhen: { key: 'signboards_rehung', equals: true }
				}
			]
		},
		{
			key: 'mechanisms',
			title: '查机制',
			items: [
				{
					key: 'mechanisms_hosted',
					carriesOver: true,
					...count,
					label: '要求本村（社区）承接的委员会、领导小组等工作机制有几个？',
					max: 200
				},
				{
					key: 'mechanisms_new',
					carriesOver: false,
					...count,
					label: '其中本期新要求设立的有几个？',
					compliantWhen: { op: 'lte', value: 0 },
					max: 200
				}
			]
		},
		{
			key: 'certificates',
			title: '查证明',
			items: [
				{
					key: 'certificates_cancelled_issued',
					carriesOver: false,
					...count,
					label: '本期开具的证明中，属于已取消证明事项的有几份？',
					compliantWhen: { op: 'lte', value: 0 }
				},
				{
					key: 'certificates_total',
					carriesOver: false,
					kind: 'count',
					required: false,
					label: '本期共开具证明几份？（可不填）'
				}
			]
		},
		{
			key: 'secondments',
			title: '查借调',
			items: [
				{
					key: 'secondments_active',
					carriesOver: true,
					...count,
					label: '目前被上级单位借调在外的人员有几人？',
					compliantWhen: { op: 'lte', value: 0 },
					max: 100
				},
				{
					key: 'secondments_unapproved',
					carriesOver: true,
					...count,
					label: '其中未经县级准入审批的有几人？',
					compliantWhen: { op: 'lte', value: 0 },
					max: 100
				}
			]
		},
		{
			key: 'forms_apps',
			title: '查报表与APP',
			items: [
				{ key: 'data_requests', carriesOver: false, ...count, label: '本期收到的填表、报数要求有几次？' },
				{
					key: 'data_requests_duplicate',
					carriesOver: false,
					...yesNo,
					label: '有没有同一数据被多个部门重复要求填报？',
					compliantWhen: { op: 'eq', value: false }
				},
				{
					key: 'apps_required',
					carriesOver: true,
					...count,
					label: '要求使用的政务APP、小程序有几个？',
					max: 200
				},
				{ key: 'work_groups', carriesOver: true, ...count, label: '要求加入的工作群有几个？', max: 500 }
			]
		},
		{
			key: 'meetings',
			title: '查会议与督查考核',
			items: [
				{ key: 'meetings_attended', carriesOver: false, ...count, label: '本期参加上级会议几次？' },
				{
					key: 'inspections_received',
					carriesOver: false,
					...count,
					label: '本期接受督查、检查、考核几次？'
				},
				{
					key: 'inspection_kinds',
					carriesOver: false,
					kind: 'multi',
					required: false,
					label: '接受的有哪些类型？（可多选）',
					options: [
						{ value: 'supervision', label: '督查' },
						{ value: 'inspection', label: '检查' },
						{ value: 'evaluation', label: '考核' },
						{ value: 'ranking', label: '评比达标' }
					]
				},
				{
					key: 'burden_trend',
					carriesOver: false,
					kind: 'single',
					required: true,
					label: '与上期相比，总体负担感受如何？',
					options: [
						{ value: 'much_lighter', label: '明显减轻' },
						{ value: 'lighter', label: '略有减轻' },
						{ value: 'same', label: '没有变化' },
						{ value: 'heavier', label: '有所加重' }
					]
				},
				{
					key: 'heaviest_burden',
					carriesOver: false,
					kind: 'long_text',
					required: false,
					label: '本期最重的新负担是什么？',
					help: '可不填。写清是什么事、哪个部门，便于减负办回头看。'
				}
			]
		}
	]
};
