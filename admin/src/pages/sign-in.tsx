// Sign-in with an AppKey and AppToken, or a user token. Ordo answers with an HttpOnly cookie: nothing is stored
// by this script.
import { useState } from 'preact/hooks'
import { ApiError, formText } from '../api.ts'
import { Messages } from '../components/fields.tsx'
import { t } from '../i18n.ts'
import { signIn } from '../session.ts'

export function SignInPage() {
  const [mode, setMode] = useState<'key' | 'token'>('key')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function submit(event: SubmitEvent) {
    event.preventDefault()
    const form = new FormData(event.currentTarget as HTMLFormElement)
    const text = (name: string) => formText(form, name)
    setBusy(true)
    setError(null)
    try {
      await signIn(
        mode === 'key'
          ? { appKey: text('appKey'), appToken: text('appToken') }
          : { userToken: text('userToken') },
      )
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="sign-in">
      <h1>{t('signInTitle')}</h1>
      <div role="radiogroup" class="tabs" aria-label={t('signIn')}>
        <label>
          <input type="radio" name="mode" checked={mode === 'key'} onChange={() => setMode('key')} />{' '}
          {t('withKey')}
        </label>
        <label>
          <input type="radio" name="mode" checked={mode === 'token'} onChange={() => setMode('token')} />{' '}
          {t('withToken')}
        </label>
      </div>
      <form onSubmit={(event) => void submit(event)}>
        {mode === 'key' ? (
          <>
            <label>
              {t('appKey')}
              <input name="appKey" required autoComplete="username" />
            </label>
            <label>
              {t('appToken')}
              <input name="appToken" type="password" required autoComplete="current-password" />
            </label>
          </>
        ) : (
          <label>
            {t('userToken')}
            <input name="userToken" type="password" required />
          </label>
        )}
        <Messages error={error} />
        <button type="submit" disabled={busy}>
          {t('signIn')}
        </button>
      </form>
    </section>
  )
}
