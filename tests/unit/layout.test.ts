// The layout's rules, checked on the source itself (CONTRIBUTING.md): SQL only in repositories,
// queries and migrations; nothing on the server imports Svelte components; no import cycle.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const lib = join(root, 'src/lib');

function walk(dir: string, out: string[] = []): string[] {
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (name === 'paraglide' || name === 'node_modules') continue;
		if (statSync(path).isDirectory()) walk(path, out);
		else if (/\.(ts|mts|svelte)$/.test(name)) out.push(path);
	}
	return out;
}

const sources = walk(join(root, 'src'));
const rel = (p: string) => relative(root, p);

/** Kysely statements and raw SQL: a query builder call or the sql template tag. */
const SQL =
	/\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(|\bsql(<[^>]*>)?`|\bsql\.(raw|ref|lit|table|id|join|val)\(/;

const SQL_HOMES = [/\.repository\.ts$/, /\.queries\.ts$/, /^src\/lib\/server\/db\//];

function importsOf(file: string): string[] {
	const text = readFileSync(file, 'utf8');
	const found: string[] = [];
	for (const match of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
		const target = resolveImport(file, match[1]!);
		if (target) found.push(target);
	}
	return found;
}

function resolveImport(from: string, spec: string): string | null {
	let base: string;
	if (spec.startsWith('$lib/')) base = join(lib, spec.slice(5));
	else if (spec.startsWith('.')) base = resolve(dirname(from), spec);
	else return null;
	if (base.includes('/paraglide/')) return null;
	for (const candidate of [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, `${base}/index.ts`]) {
		if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
	}
	return null;
}

describe('the layout', () => {
	it('finds the source it checks', () => {
		expect(sources.length).toBeGreaterThan(150);
		expect(sources.filter((f) => SQL.test(readFileSync(f, 'utf8'))).length).toBeGreaterThan(5);
	});

	it('keeps SQL in repositories, queries and the database module', () => {
		const outside = sources
			.filter((f) => SQL.test(readFileSync(f, 'utf8')))
			.map(rel)
			.filter((f) => !SQL_HOMES.some((home) => home.test(f)));
		expect(outside).toEqual([]);
	});

	it('keeps server code off the Svelte components', () => {
		const offenders = sources
			.filter((f) => rel(f).startsWith('src/lib/server/') || rel(f).startsWith('src/cli/'))
			.flatMap((f) => importsOf(f).map((t) => `${rel(f)} → ${rel(t)}`))
			.filter((edge) => edge.split(' → ')[1]!.startsWith('src/lib/components/'));
		expect(offenders).toEqual([]);
	});

	it('has no import cycle', () => {
		const graph = new Map(sources.map((f) => [f, importsOf(f)]));
		const state = new Map<string, 'open' | 'done'>();
		const cycles: string[] = [];
		const visit = (file: string, path: string[]) => {
			if (state.get(file) === 'done') return;
			if (state.get(file) === 'open') {
				cycles.push([...path.slice(path.indexOf(file)), file].map(rel).join(' → '));
				return;
			}
			state.set(file, 'open');
			for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
			state.set(file, 'done');
		};
		for (const file of sources) visit(file, []);
		expect(cycles).toEqual([]);
	});
});
