// Entry point of the built `ordo` (dist/ordo.js). Help needs only the usage text, so it is printed before main.ts,
// the database drivers and the services load; `serve` alone then loads Fastify and the routes as well.
import { helpFor } from './usage.ts'

const help = helpFor(process.argv.slice(2))
if (help === undefined) await import('./main.ts')
else process.stdout.write(help)
