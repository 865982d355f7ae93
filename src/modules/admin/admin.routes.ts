// Serves the admin web app (admin/, built into dist/admin by scripts/build.js) at /admin. Its assets carry a hash
// of their content in their names, so browsers keep them for good; every other path under /admin is the app's
// own page, which it routes in the browser. Nothing here reaches the database: the app calls the API like any
// client, under the session it signs in with.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyPluginAsync, FastifyReply } from 'fastify'

/**
 * Scripts, styles and calls only from Ordo itself, no framing: the page runs nothing it did not ship, so an
 * injected string in an order (a customer's name) cannot become script.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data: https:",
  "style-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ')

/** dist/admin, found from this file whether it runs from src/ (tsx) or from the bundle in dist/. */
function builtAdmin(): string | null {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, 'dist', 'admin')
    if (existsSync(join(candidate, 'index.html'))) return candidate
    if (dirname(dir) === dir) return null
  }
}

const secured = (reply: FastifyReply) =>
  reply
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')

export const adminRoutes: FastifyPluginAsync = async (app) => {
  const root = builtAdmin()
  const page = root ? readFileSync(join(root, 'index.html')) : null
  const sendPage = async (_request: unknown, reply: FastifyReply) => {
    if (!page) {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The admin app is not built: run `npm run build`.')
    }
    return secured(reply).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(page)
  }
  app.get('/admin', { schema: { hide: true } }, sendPage)
  app.get('/admin/*', { schema: { hide: true } }, sendPage)
  if (!root) return
  await app.register(fastifyStatic, {
    root: join(root, 'assets'),
    prefix: '/admin/assets/',
    decorateReply: false,
    preCompressed: true,
    immutable: true,
    maxAge: '365d',
    index: false,
    setHeaders: (reply) => {
      secured(reply)
    },
  })
}
