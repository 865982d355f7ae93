// The architecture's lint rules: each fires on a fixture that breaks it and stays quiet on one that keeps it.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, describe, it } from 'node:test'
import { ESLint } from 'eslint'
import tseslint from 'typescript-eslint'

// With an explicit config file ESLint matches the config's globs against `cwd`, so fixtures laid out like the
// project in a private directory get the real eslint.config.js, and nothing is written to src/.
const root = mkdtempSync(join(tmpdir(), 'ordo-lint-'))
after(() => rmSync(root, { recursive: true, force: true }))

const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: join(import.meta.dirname, '..', 'eslint.config.js'),
  // Type-aware rules need the TypeScript project, which the fixtures are not part of; no architecture rule does.
  overrideConfig: tseslint.configs.disableTypeChecked,
})

interface Problem {
  ruleId: string | null
  message: string
}

async function lint(file: string, code: string): Promise<Problem[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) })
  return (result?.messages ?? []).map(({ ruleId, message }) => ({ ruleId, message }))
}

const value = (name: string, from: string) => `import { ${name} } from '${from}'\nexport { ${name} }\n`
const type = (name: string, from: string) =>
  `import type { ${name} } from '${from}'\nexport type { ${name} }\n`

function fires(file: string, code: string, ruleId: string, message: RegExp): void {
  it(`${ruleId} in ${file}: ${code.split('\n')[0]}`, async () => {
    const problems = await lint(file, code)
    assert.ok(
      problems.some((problem) => problem.ruleId === ruleId && message.test(problem.message)),
      `expected ${ruleId} matching ${message}, got ${JSON.stringify(problems, null, 2)}`,
    )
  })
}

function passes(file: string, code: string): void {
  it(`nothing in ${file}: ${code.split('\n')[0]}`, async () => {
    assert.deepEqual(await lint(file, code), [])
  })
}

describe('1. pure rule files: no I/O, framework, role file, clock, randomness or process', () => {
  const pure = 'src/modules/orders/order.ts'
  const imports = 'no-restricted-imports'
  for (const code of [
    value('sql', 'kysely'),
    type('FastifyReply', 'fastify'),
    value('Type', '@fastify/type-provider-typebox'),
  ]) {
    fires(pure, code, imports, /no database driver and no web framework/)
  }
  for (const code of [
    value('readFileSync', 'node:fs'),
    value('readFile', 'fs/promises'),
    value('randomUUID', 'node:crypto'),
    value('setTimeout', 'node:timers/promises'),
    value('performance', 'node:perf_hooks'),
    value('request', 'node:http'),
  ]) {
    fires(pure, code, imports, /do no I\/O, read no clock/)
  }
  for (const code of [
    value('findOrder', './order.repository.ts'),
    value('changeOrder', './order.service.ts'),
    value('orderRoutes', './order.routes.ts'),
    type('OrderTable', './order.table.ts'),
    type('Db', '../../db/database.ts'),
  ]) {
    fires(pure, code, imports, /Pure rule files import only pure files/)
  }
  fires('src/modules/access/roles.ts', value('principalOf', './access.guard.ts'), imports, /only pure files/)
  fires(pure, value('OrderIdParams', './order.schemas.ts'), imports, /wire schemas as types only/)

  for (const code of ['Date.now()', 'new Date()', 'Date()']) {
    fires(pure, `export const now = () => ${code}\n`, 'no-restricted-syntax', /read no clock/)
  }
  fires(pure, 'export const roll = () => Math.random()\n', 'no-restricted-syntax', /no randomness/)
  fires(pure, 'export const now = () => performance.now()\n', 'no-restricted-globals', /read no clock/)
  fires(pure, 'export const code = () => process.exitCode\n', 'no-restricted-globals', /no process state/)

  passes(
    pure,
    [
      value('nextStatus', './order-status.ts'),
      type('OrderDocument', './order.schemas.ts'),
      value('AppError', '../../platform/errors.ts'),
      value('join', 'node:path'),
      'export const at = (iso: string) => new Date(iso)\n',
    ].join(''),
  )
  passes('src/modules/payments/payment-plan.ts', value('start', '../orders/order.ts'))
  // A role suffix makes a file something other than a pure rule file.
  passes(
    'src/modules/orders/order.service.ts',
    value('randomUUID', 'node:crypto') + 'export const t = Date.now()\n',
  )
  passes('src/modules/orders/order.test.ts', 'export const t = new Date()\nexport const r = Math.random()\n')
})

describe('2. repositories import no service, route, guard or Fastify', () => {
  const repository = 'src/modules/payments/payment.repository.ts'
  for (const code of [
    value('settlePayment', './payment.service.ts'),
    value('paymentRoutes', './payment.routes.ts'),
    type('FastifyInstance', 'fastify'),
  ]) {
    fires(repository, code, 'no-restricted-imports', /Repositories are SQL only/)
  }
  passes(
    repository,
    [
      type('Db', '../../db/database.ts'),
      type('PaymentTable', './payment.table.ts'),
      type('Selectable', 'kysely'),
      value('AppError', '../../platform/errors.ts'),
    ].join(''),
  )
})

describe('2b. clients call out and import no repository, service, route, db/ or Fastify', () => {
  const client = 'src/modules/feed/hook.client.ts'
  for (const code of [
    value('findHook', './hook.repository.ts'),
    value('saveHookConfig', './hook.service.ts'),
    type('Db', '../../db/database.ts'),
    type('FastifyInstance', 'fastify'),
  ]) {
    fires(client, code, 'no-restricted-imports', /Clients only talk to systems outside Ordo/)
  }
  passes(client, [value('request', 'node:http'), value('DELIVERY_TIMEOUT_MS', './hook.ts')].join(''))
})

describe('3. services import no Fastify, route or guard', () => {
  const service = 'src/modules/payments/payment.service.ts'
  for (const code of [
    type('FastifyInstance', 'fastify'),
    type('FastifyPluginAsyncTypebox', '@fastify/type-provider-typebox'),
    value('paymentRoutes', './payment.routes.ts'),
  ]) {
    fires(service, code, 'no-restricted-imports', /Services know nothing of HTTP/)
  }
  fires(
    'src/modules/access/access.service.ts',
    value('principalOf', './access.guard.ts'),
    'no-restricted-imports',
    /Services know nothing of HTTP/,
  )
  passes(
    service,
    [
      value('insertPayment', './payment.repository.ts'),
      value('planPayment', './payment-plan.ts'),
      value('retryOnConflict', '../../platform/retry.ts'),
      type('Deps', '../../deps.ts'),
    ].join(''),
  )
})

describe('4. modules import no worker/, cli/ or app.ts', () => {
  for (const file of [
    'src/modules/payments/payment.service.ts',
    'src/modules/orders/order.ts',
    'src/modules/orders/order.test.ts',
  ]) {
    for (const code of [
      value('enqueue', '../../worker/jobs.ts'),
      value('main', '../../cli/main.ts'),
      type('buildApp', '../../app.ts'),
    ]) {
      fires(file, code, 'no-restricted-imports', /do not import worker\/, cli\/ or app\.ts/)
    }
  }
  passes('src/modules/payments/payment.service.ts', type('Jobs', '../../platform/jobs.ts'))
})

describe('5. a module reaches another only through its services; the core reaches none', () => {
  const feature = 'src/modules/fulfillment/fulfillment.service.ts'
  for (const code of [
    value('findPayment', '../payments/payment.repository.ts'),
    type('PaymentTable', '../payments/payment.table.ts'),
    value('planPayment', '../payments/payment-plan.ts'),
    value('findOrder', '../orders/order.repository.ts'),
    type('OrderTable', '../orders/order.table.ts'),
    value('orderRoutes', '../orders/order.routes.ts'),
  ]) {
    fires(feature, code, 'no-restricted-imports', /reaches another only through its \*\.service\.ts/)
  }
  fires(
    'src/modules/accounts/settings.routes.ts',
    value('principalOf', '../access/access.guard.ts'),
    'no-restricted-imports',
    /reaches another only through its \*\.service\.ts/,
  )
  passes(
    feature,
    [
      value('settlePayment', '../payments/payment.service.ts'),
      value('changeOrder', '../orders/order.service.ts'),
      value('start', '../orders/order.ts'),
      type('OrderDocument', '../orders/order.schemas.ts'),
      value('OrderIdParams', '../orders/order.schemas.ts'),
    ].join(''),
  )

  const core = 'src/modules/orders/order.service.ts'
  for (const code of [
    value('settlePayment', '../payments/payment.service.ts'),
    type('Principal', '../access/roles.ts'),
    value('findAccount', '../accounts/account.service.ts'),
  ]) {
    fires(core, code, 'no-restricted-imports', /core `orders` module imports no other module/)
  }
  passes(
    core,
    [
      value('findOrder', './order.repository.ts'),
      value('AppError', '../../platform/errors.ts'),
      type('Deps', '../../deps.ts'),
    ].join(''),
  )
})

describe('6. no import cycles, except through `import type`', () => {
  // The cycle rule reads the imported files, so these fixtures are on disk.
  const files: Record<string, string> = {
    'src/worker/jobs.ts':
      "import { newId } from '../platform/ids.ts'\nexport const enqueue = () => newId()\n",
    'src/platform/ids.ts':
      "import { enqueue } from '../worker/jobs.ts'\nexport const newId = () => enqueue\n",
    'src/deps.ts':
      "import type { Guard } from './platform/guard.ts'\nexport interface Deps {\n  guard: Guard\n}\n",
    'src/platform/guard.ts':
      "import type { Deps } from '../deps.ts'\nexport type Guard = (deps: Deps) => void\n",
  }
  for (const [file, code] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true })
    writeFileSync(join(root, file), code)
  }

  it('reports a cycle of value imports across folders', async () => {
    const [result] = await eslint.lintFiles([join(root, 'src/worker/jobs.ts')])
    assert.deepEqual(
      result?.messages.map(({ ruleId }) => ruleId),
      ['import-x/no-cycle'],
    )
  })

  it('ignores a cycle made of type-only imports', async () => {
    const results = await eslint.lintFiles([join(root, 'src/deps.ts'), join(root, 'src/platform/guard.ts')])
    assert.deepEqual(
      results.flatMap((result) => result.messages),
      [],
    )
  })
})

describe('7. deps.ts imports no module', () => {
  fires(
    'src/deps.ts',
    type('Guard', './modules/access/access.guard.ts'),
    'no-restricted-imports',
    /deps\.ts is what every module receives/,
  )
  passes('src/deps.ts', type('DbHandle', './db/database.ts') + type('Clock', './platform/clock.ts'))
})

describe('8. the earlier rules: routes and guards, platform/, process.env', () => {
  const routes = 'src/modules/payments/payment.routes.ts'
  fires(
    routes,
    value('findPayment', './payment.repository.ts'),
    'no-restricted-imports',
    /Routes call services/,
  )
  fires(routes, type('Db', '../../db/database.ts'), 'no-restricted-imports', /Routes call services/)
  passes(
    routes,
    [
      value('settlePayment', './payment.service.ts'),
      value('PaymentSchema', './payment.schemas.ts'),
      type('FastifyPluginAsyncTypebox', '@fastify/type-provider-typebox'),
      value('login', '../access/access.service.ts'),
    ].join(''),
  )

  const guard = 'src/modules/access/access.guard.ts'
  fires(guard, value('findKey', './access.repository.ts'), 'no-restricted-imports', /Guards call services/)
  passes(guard, value('authenticate', './access.service.ts') + type('FastifyRequest', 'fastify'))

  const platform = 'src/platform/http-errors.ts'
  fires(
    platform,
    type('Order', '../modules/orders/order.ts'),
    'no-restricted-imports',
    /platform\/ is feature-free/,
  )
  passes(platform, value('AppError', './errors.ts'))

  const env = 'export const port = process.env.PORT\n'
  fires('src/app.ts', env, 'no-restricted-properties', /Read configuration in src\/config\.ts only/)
  passes('src/config.ts', env)
  passes('src/cli/main.ts', env)
})
