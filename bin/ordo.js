#!/usr/bin/env node
// The `ordo` command: runs the JavaScript that `npm run build` compiles into dist/ (npm ci, npm start do it).
import { existsSync } from 'node:fs'
import process from 'node:process'
import { URL } from 'node:url'

const entry = new URL('../dist/ordo.js', import.meta.url)
if (!existsSync(entry)) {
  process.stderr.write('ordo: dist/ordo.js is missing. Build it with `npm run build` (npm ci does it too).\n')
  process.exit(1)
}
// Stack traces then name the TypeScript sources, as they did when tsx ran them.
process.setSourceMapsEnabled(true)
await import(entry.href)
