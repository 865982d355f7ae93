// The shape of the command line — its options, its commands and their help — apart from what the commands do, so
// the entry point can answer `--help` without loading them (main.ts checks arguments against the same table).
import type { ParseArgsConfig } from 'node:util'
import { ROLE_NAMES } from '../modules/access/roles.ts'
import { DEFAULT_SQLITE_PATH, LOG_LEVELS } from '../config.ts'

export const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  port: { type: 'string' },
  host: { type: 'string' },
  'log-level': { type: 'string' },
  account: { type: 'string' },
  role: { type: 'string', multiple: true },
  label: { type: 'string' },
  json: { type: 'boolean' },
  'grace-period-minutes': { type: 'string' },
  'allow-insecure-hooks': { type: 'string' },
  'window-to-change-seller-days': { type: 'string' },
  db: { type: 'string' },
  'database-url': { type: 'string' },
  format: { type: 'string' },
  query: { type: 'string' },
  orders: { type: 'string' },
  seed: { type: 'string' },
  name: { type: 'string' },
  'seller-account': { type: 'string' },
  endpoint: { type: 'string' },
  header: { type: 'string', multiple: true },
  'callback-app-key': { type: 'string' },
  'services-endpoint': { type: 'string' },
} as const satisfies ParseArgsConfig['options']

export type OptionName = keyof typeof OPTIONS
/** Help is answered before any command runs. */
type CommandOption = Exclude<OptionName, 'help'>

const OPTION_HELP: Record<CommandOption, string> = {
  port: '--port N             TCP port (PORT; default 8080)',
  host: '--host ADDRESS       address to listen on (HOST; default 127.0.0.1, this machine only;\n                       --host 0.0.0.0 listens on every interface)',
  'log-level': `--log-level LEVEL    ${LOG_LEVELS.join(', ')} (LOG_LEVEL; default info)`,
  account: '--account NAME       the account',
  role: `--role "ROLE"        one of: ${ROLE_NAMES.join(', ')}; repeat it for more roles`,
  label: '--label TEXT         a note to tell keys apart',
  json: '--json               print JSON',
  'grace-period-minutes':
    '--grace-period-minutes N\n                       minutes an order can still be canceled after payment (0 turns it off)',
  'allow-insecure-hooks':
    '--allow-insecure-hooks true|false\n                       whether hooks may use plain http:// URLs (a receiver on the LAN); default false',
  'window-to-change-seller-days':
    '--window-to-change-seller-days N\n                       days an order its seller canceled waits for another seller (0-30; 0 cancels\n                       it at once; default 2)',
  db: `--db FILE            a SQLite file (ORDO_DB; default ${DEFAULT_SQLITE_PATH}; only the default's\n                       directory is created)`,
  'database-url': '--database-url URL   a PostgreSQL database, postgres://… or postgresql://… (DATABASE_URL)',
  format: "--format jsonl|csv   JSON lines of Get order documents (default), or CSV of the list's columns",
  query: `--query "f_status=invoiced&…"\n                       List orders' filters as in its URL (not page, per_page, orderBy)`,
  orders: '--orders N           how many orders to place',
  seed: '--seed S             a whole number: the same seed places the same orders (default 1)',
  name: '--name TEXT          the name orders of the seller show',
  'seller-account':
    '--seller-account NAME\n                       the seller is this other account on the same server',
  endpoint:
    '--endpoint URL       the seller is external: its External Seller Fulfillment base URL (https unless\n                       the account allows insecure hooks)',
  header:
    '--header "NAME: VALUE"\n                       a header sent with every call to an external seller; repeat it for more',
  'services-endpoint':
    "--services-endpoint URL\n                       the marketplace's Orders API base (https://…/api/oms); without it, each\n                       placement's marketplaceServicesEndpoint",
  'callback-app-key':
    "--callback-app-key APPKEY\n                       a key of the account the external seller calls back with: its invoices,\n                       tracking and cancellations on its orders are the seller's",
}

/** Every command takes these. */
const DATABASE_OPTIONS = ['db', 'database-url'] as const satisfies CommandOption[]

interface CommandSpec {
  synopsis: string
  summary: string
  /** Names of the positional arguments after the command's words, each required. */
  positionals: readonly string[]
  options: readonly CommandOption[]
  /** Others refuse a database file that does not exist yet: they cannot succeed on an empty one. */
  createsDatabase: boolean
}

export const COMMANDS = {
  serve: {
    synopsis: 'ordo serve [--port 8080] [--host 127.0.0.1] [--log-level info]',
    summary:
      'Serves the API. On an empty database it creates the account "ordo" and prints an admin key, once.',
    positionals: [],
    options: ['port', 'host', 'log-level'],
    createsDatabase: true,
  },
  migrate: {
    synopsis: 'ordo migrate',
    summary: 'Brings the database to the latest schema (serve does it too).',
    positionals: [],
    options: [],
    createsDatabase: true,
  },
  'accounts create': {
    synopsis: 'ordo accounts create NAME',
    summary: 'Creates another account on the same server.',
    positionals: ['NAME'],
    options: [],
    createsDatabase: true,
  },
  'keys create': {
    synopsis: 'ordo keys create --account NAME --role "ROLE" [--role "ROLE"…] [--label TEXT] [--json]',
    summary: 'Creates an AppKey/AppToken pair for the account. The token is shown only once.',
    positionals: [],
    options: ['account', 'role', 'label', 'json'],
    createsDatabase: false,
  },
  'keys list': {
    synopsis: 'ordo keys list --account NAME [--json]',
    summary: "Lists the account's keys with their roles and whether they are revoked (never their tokens).",
    positionals: [],
    options: ['account', 'json'],
    createsDatabase: false,
  },
  'keys revoke': {
    synopsis: 'ordo keys revoke APPKEY',
    summary: 'Revokes a key. A running server refuses it within a second.',
    positionals: ['APPKEY'],
    options: [],
    createsDatabase: false,
  },
  'settings get': {
    synopsis: 'ordo settings get --account NAME',
    summary: "Prints the account's settings as JSON.",
    positionals: [],
    options: ['account'],
    createsDatabase: false,
  },
  'settings set': {
    synopsis:
      'ordo settings set --account NAME [--grace-period-minutes N] [--allow-insecure-hooks true|false]\n                  [--window-to-change-seller-days N]',
    summary: "Changes the account's settings (at least one) and prints them as JSON.",
    positionals: [],
    options: ['account', 'grace-period-minutes', 'allow-insecure-hooks', 'window-to-change-seller-days'],
    createsDatabase: false,
  },
  'sellers add': {
    synopsis:
      'ordo sellers add SELLER --account NAME --name TEXT (--seller-account NAME | --endpoint URL [--header "NAME: VALUE"…] [--callback-app-key APPKEY]) [--json]',
    summary:
      'Registers a seller of the account, or changes its registration: another account on this server, or an\nexternal seller. Orders name it in items[].seller; seller 1 is the account itself.',
    positionals: ['SELLER'],
    options: ['account', 'name', 'seller-account', 'endpoint', 'header', 'callback-app-key', 'json'],
    createsDatabase: false,
  },
  'sellers list': {
    synopsis: 'ordo sellers list --account NAME [--json]',
    summary: "Lists the account's sellers: seller 1, the account itself, then the registered ones.",
    positionals: [],
    options: ['account', 'json'],
    createsDatabase: false,
  },
  'sellers remove': {
    synopsis: 'ordo sellers remove SELLER --account NAME',
    summary: 'Removes a registered seller: orders placed before keep it, new orders for it are refused.',
    positionals: ['SELLER'],
    options: ['account'],
    createsDatabase: false,
  },
  'affiliates add': {
    synopsis:
      'ordo affiliates add AFFILIATE --account NAME --name TEXT [--services-endpoint URL] [--header "NAME: VALUE"…] [--json]',
    summary:
      "Registers a marketplace elsewhere the account sells for as an external seller, by the affiliate id its\nplacements carry: the account pushes those orders' invoices, tracking and cancellations to it.",
    positionals: ['AFFILIATE'],
    options: ['account', 'name', 'services-endpoint', 'header', 'json'],
    createsDatabase: false,
  },
  'affiliates list': {
    synopsis: 'ordo affiliates list --account NAME [--json]',
    summary: 'Lists the marketplaces elsewhere the account sells for.',
    positionals: [],
    options: ['account', 'json'],
    createsDatabase: false,
  },
  'affiliates remove': {
    synopsis: 'ordo affiliates remove AFFILIATE --account NAME',
    summary: "Removes an affiliate: its orders' news are no longer pushed to it.",
    positionals: ['AFFILIATE'],
    options: ['account'],
    createsDatabase: false,
  },
  seed: {
    synopsis: 'ordo seed --orders N [--account NAME] [--seed S]',
    summary:
      'Places N realistic orders over the two years up to today (UTC) and takes each through the workflow:\nwaiting for payment, canceled, ready for handling, handling or invoiced. For trying Ordo out and for\nbenchmarks; the account (default ordo) is created if missing, and so is its second seller, partner (the\naccount partner on the same server). Its progress goes to stderr.',
    positionals: [],
    options: ['orders', 'account', 'seed'],
    createsDatabase: true,
  },
  export: {
    synopsis: 'ordo export --account NAME [--format jsonl|csv] [--query "f_status=invoiced&…"]',
    summary:
      "Writes every order of the account that matches List orders' filters to stdout, oldest first, with no page\nlimit, and its progress to stderr.",
    positionals: [],
    options: ['account', 'format', 'query'],
    createsDatabase: false,
  },
} as const satisfies Record<string, CommandSpec>

export type CommandName = keyof typeof COMMANDS

const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[]

export const HELP = `ordo — a VTEX-compatible order management system

Usage:
${COMMAND_NAMES.map((name) => `  ${COMMANDS[name].synopsis}`).join('\n')}

Every command takes --db FILE (SQLite, default ${DEFAULT_SQLITE_PATH}) or --database-url postgres://…,
or the environment variables ORDO_DB / DATABASE_URL, so it can run beside a live server.
Other environment: PORT, HOST, LOG_LEVEL, ORDO_TIMER_INTERVAL_MS, ORDO_JOB_LEASE_MS,
ORDO_HOOK_CONCURRENCY, ORDO_HOOK_CONCURRENCY_PER_HOOK, ORDO_PUBLIC_URL.
\`ordo COMMAND --help\` describes one command.

Roles: ${ROLE_NAMES.join(', ')}
`

/** The options a command takes, the database ones included. */
export const optionsOf = (name: CommandName): CommandOption[] => [
  ...COMMANDS[name].options,
  ...DATABASE_OPTIONS,
]

function commandHelp(name: CommandName): string {
  const spec: CommandSpec = COMMANDS[name]
  const options = optionsOf(name).map((option) => `  ${OPTION_HELP[option]}`)
  const database = spec.createsDatabase
    ? ''
    : '\nIt needs an existing database: ordo serve or ordo migrate creates one.'
  return `Usage: ${spec.synopsis}\n\n${spec.summary}${database}\n\nOptions:\n${options.join('\n')}\n`
}

const groupHelp = (group: string, names: CommandName[]): string =>
  `Usage:\n${names.map((name) => `  ${COMMANDS[name].synopsis}`).join('\n')}\n\n` +
  `\`ordo ${group} COMMAND --help\` describes one of them.\n`

/** A command line's command: its name and the positional arguments after its words. */
export type Resolved =
  | { kind: 'command'; name: CommandName; args: string[] }
  | { kind: 'group'; group: string; names: CommandName[] }
  | { kind: 'unknown'; word: string }

export function resolveCommand(words: readonly string[]): Resolved {
  const [first = '', second = ''] = words
  const pair = `${first} ${second}`
  if (pair in COMMANDS) return { kind: 'command', name: pair as CommandName, args: words.slice(2) }
  if (first in COMMANDS) return { kind: 'command', name: first as CommandName, args: words.slice(1) }
  const names = COMMAND_NAMES.filter((name) => name.startsWith(`${first} `))
  return names.length > 0 ? { kind: 'group', group: first, names } : { kind: 'unknown', word: first }
}

/**
 * The help a command line asks for (none, `help …`, or --help/-h anywhere), or undefined when it asks for none
 * or names no command (main.ts then says so). The command is named by the words before the first option.
 */
export function helpFor(argv: readonly string[]): string | undefined {
  const asked = argv.length === 0 || argv[0] === 'help' || argv.includes('--help') || argv.includes('-h')
  if (!asked) return undefined
  const rest = argv[0] === 'help' ? argv.slice(1) : argv
  const firstOption = rest.findIndex((arg) => arg.startsWith('-'))
  const words = firstOption === -1 ? rest : rest.slice(0, firstOption)
  if (words.length === 0) return HELP
  const resolved = resolveCommand(words)
  if (resolved.kind === 'command') return commandHelp(resolved.name)
  if (resolved.kind === 'group') return groupHelp(resolved.group, resolved.names)
  return undefined
}
