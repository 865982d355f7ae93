// The text of `ordo --help`, apart from the commands so the entry point can print it without loading them.
import { ROLE_NAMES } from '../modules/access/roles.ts'

export const HELP = `ordo — a VTEX-compatible order management system

Usage:
  ordo serve [--port 8080] [--host 0.0.0.0] [--db ./data/ordo.db | --database-url postgres://…]
  ordo migrate
  ordo accounts create NAME
  ordo keys create --account NAME --role "ROLE" [--role "ROLE"…] [--label TEXT] [--json]
  ordo keys list --account NAME [--json]
  ordo keys revoke APPKEY
  ordo settings get --account NAME
  ordo settings set --account NAME --grace-period-minutes N

Every command takes --db FILE (SQLite, default ./data/ordo.db) or --database-url postgres://…,
or the environment variables ORDO_DB / DATABASE_URL, so it can run beside a live server.
Other environment: PORT, HOST, LOG_LEVEL, ORDO_TIMER_INTERVAL_MS.

Roles: ${ROLE_NAMES.join(', ')}
`
