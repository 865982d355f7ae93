// Compiles the `ordo` command to JavaScript in dist/ (`npm run build`; prepare, prestart, pretest and prebench
// run it). Plain JavaScript on esbuild's API, so building needs no TypeScript runner; tsc checks the types.
import { renameSync, rmSync } from 'node:fs'
import process from 'node:process'
import { URL, fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const staging = `dist.${process.pid}.tmp`

await build({
  absWorkingDir: root,
  entryPoints: { ordo: 'src/cli/ordo.ts' },
  outdir: staging,
  bundle: true,
  // Dependencies are compiled in too: resolving and reading the hundreds of files of Fastify, Kysely, Ajv and
  // TypeBox one by one took about 400 ms of every start. Native addons, and packages that read their own files
  // at run time (Swagger UI's assets), stay in node_modules.
  external: ['better-sqlite3', 'pg-native', '@fastify/swagger-ui'],
  // CommonJS dependencies call require(); an ES module has none of its own.
  banner: {
    js: "import { createRequire as createRequireOfOrdo } from 'node:module'; const require = createRequireOfOrdo(import.meta.url);",
  },
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  // Each dynamic import starts a chunk that loads only when reached: main.ts for any command but help
  // (src/cli/ordo.ts), app.ts for serve (src/cli/main.ts).
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // Stack traces name the TypeScript sources; the sources ship beside dist/, so the maps need not hold them.
  sourcemap: 'linked',
  sourcesContent: false,
  logLevel: 'warning',
})

// Swapped in whole, so a command started meanwhile loads either the old build or the new one, never a mix.
const previous = `dist.${process.pid}.old`
try {
  renameSync(`${root}/dist`, `${root}/${previous}`)
} catch (error) {
  if (error.code !== 'ENOENT') throw error
}
try {
  renameSync(`${root}/${staging}`, `${root}/dist`)
} catch (error) {
  // Another build (a second `npm test`) swapped its own in at the same moment: it is as new as this one.
  if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error
  rmSync(`${root}/${staging}`, { recursive: true, force: true })
}
rmSync(`${root}/${previous}`, { recursive: true, force: true })
