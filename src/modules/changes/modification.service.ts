// Use cases of order modifications (v2): ask for a change request, preview it, read, retry and cancel requests,
// the worker's processing of an order's request, and the account's settings for all of them.
import { randomUUID } from 'node:crypto'
import type { Deps } from '../../deps.ts'
import { AppError, validationFailed, type ErrorCode } from '../../platform/errors.ts'
import type { Principal } from '../../platform/principal.ts'
import { getSettings } from '../accounts/account.service.ts'
import type { Order } from '../orders/order.ts'
import {
  MODIFICATION_ATTEMPTS,
  ORDER_MODIFICATION_JOB,
  requestInProgress,
  type OrderModificationJob,
} from '../orders/order-modification.ts'
import { changeOrder, loadOrder, systemActor, type Actor } from '../orders/order.service.ts'
import type { Rule } from '../orders/order-workflow.ts'
import {
  abandonModification,
  advanceModification,
  cancelModification,
  findModification,
  preview,
  requestModification,
  retryModification,
} from './modification.ts'
import type {
  AcceptedChange,
  ChangeBody,
  ChangeDetail,
  ChangeSummaryDocument,
  ModificationSettingsDocument,
  PreviewDocument,
  SettingsBody,
} from './modification.schemas.ts'
import * as repository from './modification-settings.repository.ts'
import {
  DEFAULT_SETTINGS,
  modificationSettings,
  renderAccepted,
  renderDetail,
  renderHistory,
  renderPreview,
  renderSummary,
  requestOf,
  savedSettings,
  withSettings,
} from './modification-wire.ts'

export const getModificationSettings = async (
  { db }: Pick<Deps, 'db'>,
  account: string,
): Promise<ModificationSettingsDocument> => (await repository.findSettings(db, account)) ?? DEFAULT_SETTINGS

export async function saveModificationSettings(
  deps: Deps,
  account: string,
  body: SettingsBody,
): Promise<ModificationSettingsDocument> {
  const settings = savedSettings(body)
  await repository.saveSettings(deps.db, account, settings, deps.clock.now().toISOString())
  return settings
}

/** The account's settings with the request's overrides; refused when the account turned the API off. */
async function settingsFor(
  deps: Deps,
  account: string,
  body: ChangeBody,
): Promise<ModificationSettingsDocument> {
  const saved = await getModificationSettings(deps, account)
  if (!saved.rolloutConfiguration.enableApi) {
    throw new AppError(
      'MODIFICATIONS_DISABLED',
      `Order modifications are turned off for account ${account}: set rolloutConfiguration.enableApi to true with PUT /api/order-system/orders/changes/settings.`,
    )
  }
  return withSettings(saved, body.settings)
}

function reasonOf(body: ChangeBody): string {
  const reason = body.reason.trim()
  if (!reason) throw validationFailed('Field reason not set: say why the order is being modified.')
  return reason
}

const modify = async (deps: Deps, actor: Actor, orderId: string, rule: Rule): Promise<Order> =>
  (await changeOrder(deps, { actor, orderId, settings: await getSettings(deps, actor.account) }, rule)).order

/** PATCH …/changes: 202 with the request as accepted; the worker takes it from there. */
export async function requestChange(
  deps: Deps,
  principal: Principal,
  orderId: string,
  body: ChangeBody,
): Promise<AcceptedChange> {
  const settings = await settingsFor(deps, principal.account, body)
  const ask = {
    requestId: randomUUID(),
    workflowId: randomUUID(),
    reason: reasonOf(body),
    request: requestOf(body),
    settings: modificationSettings(settings),
  }
  const order = await modify(deps, principal, orderId, requestModification(ask))
  return renderAccepted(order, findModification(order, ask.requestId), settings)
}

/** POST …/changes/preview: what the request would do to the order as it is now; nothing is stored. */
export async function previewChange(
  deps: Deps,
  principal: Principal,
  orderId: string,
  body: ChangeBody,
): Promise<PreviewDocument> {
  const settings = await settingsFor(deps, principal.account, body)
  const reason = reasonOf(body)
  const request = requestOf(body)
  const order = await loadOrder(deps.db, principal, orderId)
  const planned = preview(order, request, modificationSettings(settings), randomUUID())
  const date = deps.clock.now().toISOString()
  return renderPreview(planned.order, { reason, request, outcome: planned.outcome, date }, settings)
}

export async function getChangeHistory(deps: Deps, principal: Principal, orderId: string) {
  return renderHistory(await loadOrder(deps.db, principal, orderId))
}

/** `wireCode`: the code a client sees for an error code, for the refusal that canceled a request. */
export async function getChangeDetail(
  deps: Deps,
  principal: Principal,
  orderId: string,
  requestId: string,
  wireCode: (code: ErrorCode) => string,
): Promise<ChangeDetail> {
  const order = await loadOrder(deps.db, principal, orderId)
  return renderDetail(order, findModification(order, requestId), wireCode)
}

export async function retryChange(
  deps: Deps,
  principal: Principal,
  orderId: string,
  requestId: string,
): Promise<void> {
  await modify(deps, principal, orderId, retryModification(requestId))
}

export async function cancelChange(
  deps: Deps,
  principal: Principal,
  orderId: string,
  requestId: string,
  reason: string,
): Promise<void> {
  await modify(deps, principal, orderId, cancelModification(requestId, reason))
}

export async function getChangeSummary(
  deps: Deps,
  principal: Principal,
  orderId: string,
): Promise<ChangeSummaryDocument> {
  return renderSummary(await loadOrder(deps.db, principal, orderId))
}

function jobOf(payload: unknown): OrderModificationJob {
  const { account, orderId, requestId } = payload as Partial<Record<keyof OrderModificationJob, unknown>>
  if (typeof account !== 'string' || typeof orderId !== 'string' || typeof requestId !== 'string') {
    throw new Error(`Malformed ${ORDER_MODIFICATION_JOB} payload: ${JSON.stringify(payload)}`)
  }
  return { account, orderId, requestId }
}

/**
 * The order-modification job: takes the request through its steps, each its own change of the order, so that a
 * crash leaves it at a step and the job's next attempt goes on from there. Once MODIFICATION_ATTEMPTS attempts
 * failed, the request is canceled, so that the order is free for the next one; the errors stay in the job's
 * row and the worker's log, not in what clients read.
 */
export async function processModification(
  deps: Deps,
  payload: unknown,
  job: { attempt: number },
): Promise<void> {
  const { account, orderId, requestId } = jobOf(payload)
  const actor = systemActor(account)
  const abandon = () => modify(deps, actor, orderId, abandonModification(requestId, MODIFICATION_ATTEMPTS))
  if (job.attempt > MODIFICATION_ATTEMPTS) {
    await abandon()
    return
  }
  try {
    for (;;) {
      const order = await modify(deps, actor, orderId, advanceModification(requestId))
      if (!requestInProgress(order, requestId)) return
    }
  } catch (err) {
    if (err instanceof AppError && err.code === 'ORDER_NOT_FOUND') return
    if (job.attempt === MODIFICATION_ATTEMPTS) await abandon()
    // The job keeps the error (its row's last_error, the worker's log); the next attempt finds nothing to do.
    throw err
  }
}
