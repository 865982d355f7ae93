// The admin's shell: the session check, the header every page shares, and the routes under /admin.
import { render } from 'preact'
import { useEffect } from 'preact/hooks'
import { Link, Redirect, Route, Router, Switch, useLocation } from 'wouter-preact'
import { language, setLanguage, t, type Language } from './i18n.ts'
import { IntegrationsPage } from './pages/integrations.tsx'
import { OrderPage } from './pages/order.tsx'
import { OrdersPage } from './pages/orders.tsx'
import { SignInPage } from './pages/sign-in.tsx'
import { loadSession, session, signOut } from './session.ts'
import './styles.css'

function Header() {
  const [location] = useLocation()
  const current = session.value
  const navLink = (href: string, label: string) => (
    <Link href={href} aria-current={location.startsWith(href) ? 'page' : undefined}>
      {label}
    </Link>
  )
  return (
    <header class="top">
      <a class="skip" href="#main">
        {t('skipToContent')}
      </a>
      <span class="brand">Ordo</span>
      {current && (
        <nav aria-label="Main">
          {navLink('/orders', t('orders'))}
          {navLink('/integrations', t('integrations'))}
        </nav>
      )}
      <span class="spacer" />
      <label class="language">
        <span class="visually-hidden">{t('language')}</span>
        <select
          value={language.value}
          onChange={(event) => setLanguage(event.currentTarget.value as Language)}
        >
          <option value="en">English</option>
          <option value="pt">Português</option>
        </select>
      </label>
      {current && (
        <>
          <span class="who" title={current.roles.join(', ')}>
            {current.account} · {current.appKey ?? ''}
          </span>
          <button type="button" class="link" onClick={() => void signOut()}>
            {t('signOut')}
          </button>
        </>
      )}
    </header>
  )
}

function Routes() {
  const current = session.value
  if (current === undefined) return <p class="loading">{t('loading')}</p>
  if (current === null) return <SignInPage />
  return (
    <Switch>
      <Route path="/orders" component={OrdersPage} />
      <Route path="/orders/:orderId">{(params) => <OrderPage orderId={params.orderId} />}</Route>
      <Route path="/integrations" component={IntegrationsPage} />
      <Route>
        <Redirect to="/orders" replace />
      </Route>
    </Switch>
  )
}

function App() {
  useEffect(() => {
    document.documentElement.lang = language.value === 'pt' ? 'pt-BR' : 'en'
    void loadSession()
  }, [])
  return (
    <Router base="/admin">
      <Header />
      <main id="main" tabIndex={-1}>
        <Routes />
      </main>
    </Router>
  )
}

const root = document.getElementById('app')
if (root) render(<App />, root)
