import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// A phone on a weak network pays ~400 ms for every file it has to ask for, six at a time, and ~20 ms
// for every KB (issue 13). Left to itself, Rolldown gives each set of pages sharing a module its own
// chunk: dozens of chunks one or two Paraglide messages long on every page. The groups below bundle
// per page instead, in three tiers:
// - the shell, one JS file and one CSS file every page loads: the framework, what the root layout
//   and root error page use (SvelteKit loads both on every page), what most pages use, and the
//   styles of the pages field staff open;
// - for each page field staff open on their phones, one file with what it shares with other pages;
// - the rest of $lib: what four or more pages share in one file, what two or three share grouped by
//   those pages, small groups folded into their nearest neighbour.
// What only one page uses stays in that page's own chunk.
const FRAMEWORK =
	/node_modules[\\/](svelte|@sveltejs[\\/]kit|esm-env|devalue|clsx)[\\/]|src[\\/]lib[\\/]paraglide[\\/]runtime\.js|vite[\\/]preload-helper|rolldown[\\/]runtime/;
/** The pages field staff open on a phone, by the name of the chunk with what they share. */
const FIELD_PAGES = {
	'login-shared': 'src/routes/login/+page.svelte',
	'checklist-shared': 'src/routes/(app)/points/[id=id]/rounds/[round=id]/+page.svelte'
};
/** A $lib module this share of the pages use goes in the shell. */
const SHELL_SHARE = 0.5;
const APP_LIB = /src[\\/]lib[\\/](paraglide[\\/]messages|domain|text|components|charts)[\\/]/;
// A component's styles: in the shell, the field pages' own styles need no extra request.
const STYLE = /\.css$|[?&]type=style/;
// SvelteKit's generated node files and the root layout and error page keep their own chunks.
const OWN_CHUNK = /[\\/]\.svelte-kit[\\/]|[\\/]src[\\/]routes[\\/]\+(layout|error)\.svelte$/;

// `import { m } from '$lib/paraglide/messages.js'` re-exports every message; a module uses only the
// ones it names (`m.sign_out()`), so the walk below follows those, not the barrel.
const MESSAGES_BARREL = /src[\\/]lib[\\/]paraglide[\\/]messages(\.js|[\\/]_index\.js)$/;
const MESSAGE_USE = /\bm\.([A-Za-z_$][\w$]*)/g;
// A page that looks a message up by a built key (`m[`x_${k}`]`) makes Rolldown count every message as
// shared with it; a field page's own messages go in its shared file then, not in a file of their own.
const MESSAGE = /src[\\/]lib[\\/]paraglide[\\/]messages[\\/]/;

const ROOT = path.dirname(fileURLToPath(import.meta.url));
const GENERATED = path.join(ROOT, '.svelte-kit/generated/client-optimized');
const MESSAGES = path.join(ROOT, 'src/lib/paraglide/messages');

interface ModuleGraph {
	getModuleInfo(
		id: string
	): { importedIds: string[]; dynamicallyImportedIds: string[]; code: string | null } | null;
}
let placed: { graph: ModuleGraph; group: Map<string, string> } | undefined;

/** The modules statically reachable from `start`, through the messages each one names. */
function reach(graph: ModuleGraph, start: string): Set<string> {
	const seen = new Set<string>();
	const stack = [start];
	while (stack.length) {
		const id = stack.pop()!;
		if (seen.has(id)) continue;
		seen.add(id);
		const info = graph.getModuleInfo(id);
		for (const dep of info?.importedIds ?? []) {
			if (!MESSAGES_BARREL.test(dep)) stack.push(dep);
			else
				for (const [, key] of (info?.code ?? '').matchAll(MESSAGE_USE))
					stack.push(path.join(MESSAGES, `${key}.js`));
		}
	}
	return seen;
}

/** The group of the first two tiers each module joins (`shell` or a field page's), once per build. */
function placement(graph: ModuleGraph): Map<string, string> {
	if (placed?.graph === graph) return placed.group;
	const nodes = (graph.getModuleInfo(path.join(GENERATED, 'app.js'))?.dynamicallyImportedIds ?? []).filter(
		(id) => /[\\/]nodes[\\/]\d+\.js$/.test(id)
	);
	const pages = new Map<string, number>();
	const shell = new Set<string>();
	const field = new Map<string, Set<string>>();
	for (const node of nodes) {
		const ids = reach(graph, node);
		for (const id of ids) pages.set(id, (pages.get(id) ?? 0) + 1);
		if (/[\\/]nodes[\\/][01]\.js$/.test(node)) ids.forEach((id) => shell.add(id));
		const imports = graph.getModuleInfo(node)?.importedIds ?? [];
		for (const [name, page] of Object.entries(FIELD_PAGES))
			if (imports.some((id) => id.endsWith(path.normalize(page)))) field.set(name, ids);
	}
	const group = new Map<string, string>();
	for (const [id, count] of pages) {
		if (OWN_CHUNK.test(id)) continue;
		const usedBy = [...field].filter(([, ids]) => ids.has(id)).map(([name]) => name);
		if (
			shell.has(id) ||
			(APP_LIB.test(id) && count >= nodes.length * SHELL_SHARE) ||
			usedBy.length > 1 ||
			(usedBy.length && STYLE.test(id))
		)
			group.set(id, 'shell');
		else if (usedBy.length && (count > 1 || MESSAGE.test(id))) group.set(id, usedBy[0]);
	}
	placed = { graph, group };
	return group;
}

const CLIENT_CHUNKS = {
	groups: [
		{
			name: (id: string, ctx: ModuleGraph) =>
				FRAMEWORK.test(id) || placement(ctx).get(id) === 'shell' ? 'shell' : null,
			debugName: 'shell',
			priority: 3
		},
		{
			name: (id: string, ctx: ModuleGraph) => {
				const group = placement(ctx).get(id);
				return group && group !== 'shell' ? group : null;
			},
			debugName: 'field pages',
			priority: 2
		},
		{ name: 'common', test: APP_LIB, minShareCount: 4, priority: 1 },
		{
			name: 'shared',
			test: APP_LIB,
			minShareCount: 2,
			entriesAware: true,
			entriesAwareMergeThreshold: 12_000,
			priority: 0
		}
	]
};

export default defineConfig(({ isSsrBuild }) => ({
	plugins: [
		sveltekit(),
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			strategy: ['cookie', 'baseLocale']
		})
	],
	// The server build keeps Rolldown's own chunking: it reads its files from disk.
	build: isSsrBuild ? {} : { rolldownOptions: { output: { codeSplitting: CLIENT_CHUNKS } } },
	test: {
		include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
		environment: 'node',
		// argon2 hashing and migrations make integration files slower than pure units.
		testTimeout: 20_000,
		hookTimeout: 30_000
	}
}));
