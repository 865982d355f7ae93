// Compiles the `ordo` command to JavaScript in dist/, and the admin web app to dist/admin/ (`npm run build`;
// prepare, prestart, pretest and prebench run it). Plain JavaScript on esbuild's API, so building needs no
// TypeScript runner; tsc checks the types.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { basename } from 'node:path'
import { gzipSync } from 'node:zlib'
import process from 'node:process'
import { URL, fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const staging = `dist.${process.pid}.tmp`

await build({
  absWorkingDir: root,
  entryPoints: { ordo: 'src/cli/ordo.ts', 'outbound-worker': 'src/platform/outbound-worker.ts' },
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

await buildAdmin(`${root}/${staging}/admin`)

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

/**
 * The admin (admin/src): Preact, bundled and minified by the same esbuild. Asset names carry a hash of their
 * content, so the server lets browsers keep them for good and only index.html is asked for again. Each asset is
 * also written gzipped, which the server sends as it is to browsers that take gzip.
 * @param {string} outdir
 */
async function buildAdmin(outdir) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: { app: 'admin/src/main.tsx' },
    outdir: `${outdir}/assets`,
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022', 'chrome111', 'firefox111', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryNames: '[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
  })
  const outputs = Object.keys(result.metafile.outputs)
  /** @param {string} extension */
  const named = (extension) => {
    const file = outputs.find((path) => path.endsWith(extension))
    if (!file) throw new Error(`The admin build wrote no ${extension} file`)
    return basename(file)
  }
  const html = readFileSync(`${root}/admin/index.html`, 'utf8')
    .replace('%SCRIPT%', `/admin/assets/${named('.js')}`)
    .replace('%STYLE%', `/admin/assets/${named('.css')}`)
  writeFileSync(`${outdir}/index.html`, html)
  for (const file of [...outputs.map((path) => `${root}/${path}`), `${outdir}/index.html`]) {
    writeFileSync(`${file}.gz`, gzipSync(readFileSync(file), { level: 9 }))
  }
}
