import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

// A phone on a weak network pays ~400 ms for every file it has to ask for, six at a time (issue
// 13). Left to itself, Rolldown gives each set of pages sharing a module its own chunk: about 70
// chunks one or two Paraglide messages long on every page. These groups bundle per page instead:
// the framework every page runs is one file; the messages and app code four or more pages share
// are one file; what two or three pages share is grouped by those pages, small groups folded
// into their nearest neighbour; what only one page uses stays in that page's own chunk.
const APP_LIB = /src[\\/]lib[\\/](paraglide[\\/]messages|domain|text|components|charts)[\\/]/;
const CLIENT_CHUNKS = {
	groups: [
		{
			name: 'framework',
			test: /node_modules[\\/](svelte|@sveltejs[\\/]kit|esm-env|devalue|clsx)[\\/]|src[\\/]lib[\\/]paraglide[\\/]runtime\.js|vite[\\/]preload-helper|rolldown[\\/]runtime/,
			priority: 3
		},
		{ name: 'common', test: APP_LIB, minShareCount: 4, priority: 2 },
		{
			name: 'shared',
			test: APP_LIB,
			minShareCount: 2,
			entriesAware: true,
			entriesAwareMergeThreshold: 12_000,
			priority: 1
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
