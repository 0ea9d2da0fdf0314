// How the lines are told apart: colour, and also a marker shape and a dash pattern, so a reader
// who cannot tell the colours apart (or prints in grey) still can. Okabe–Ito colours.
export const LINE_STYLES = [
	{ color: '#0072B2', point: 'circle', dash: [] },
	{ color: '#D55E00', point: 'triangle', dash: [8, 4] },
	{ color: '#009E73', point: 'rect', dash: [2, 3] },
	{ color: '#CC79A7', point: 'rectRot', dash: [12, 3, 2, 3] },
	{ color: '#8a6100', point: 'star', dash: [5, 2] },
	{ color: '#2b8fc7', point: 'crossRot', dash: [1, 3] },
	{ color: '#000000', point: 'cross', dash: [14, 4] },
	{ color: '#7a3d8f', point: 'rectRounded', dash: [4, 2, 1, 2] }
] as const;

export type LineStyle = (typeof LINE_STYLES)[number];
export const lineStyle = (i: number): LineStyle => LINE_STYLES[i % LINE_STYLES.length];
