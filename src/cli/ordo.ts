// Entry point of the built `ordo` (dist/ordo.js). Help needs only the usage text, so it is printed before main.ts,
// the database drivers and the services load; `serve` alone then loads Fastify and the routes as well.
import { HELP } from './usage.ts'

const args = process.argv.slice(2)
// The usual ways to ask. main.ts answers the others (`ordo keys --help`) with the same text, after loading.
const asksForHelp =
  args.length === 0 || (args.length === 1 && ['--help', '-h', 'help'].includes(args[0] ?? ''))

if (asksForHelp) process.stdout.write(`${HELP}\n`)
else await import('./main.ts')
