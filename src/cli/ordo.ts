// Entry point of the built `ordo` (dist/ordo.js). Help needs only the usage text; any other command loads main.ts,
// and with it Fastify, the database drivers and the services, so `ordo --help` stays fast.
import { HELP } from './usage.ts'

const args = process.argv.slice(2)
// The usual ways to ask. main.ts answers the others (`ordo keys --help`) with the same text, after loading.
const asksForHelp =
  args.length === 0 || (args.length === 1 && ['--help', '-h', 'help'].includes(args[0] ?? ''))

if (asksForHelp) process.stdout.write(`${HELP}\n`)
else await import('./main.ts')
