import 'uplot/dist/uPlot.min.css';
import './style.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useConnected } from './api';
import { History } from './pages/history';
import { Now } from './pages/now';
import { Quality } from './pages/quality';
import { RolloutPage } from './pages/rollout';
import { SessionProvider, SessionBar } from './session';

type Route = { page: 'now' } | { page: 'history' } | { page: 'quality' } | { page: 'rollout'; id: string };

function parseRoute(hash: string): Route {
  const [, page, id] = hash.replace(/^#/, '').split('/');
  if (page === 'rollouts' && id) return { page: 'rollout', id: decodeURIComponent(id) };
  if (page === 'rollouts') return { page: 'history' };
  if (page === 'quality') return { page: 'quality' };
  return { page: 'now' };
}

function App() {
  const [route, setRoute] = useState(parseRoute(location.hash));
  const connected = useConnected();
  useEffect(() => {
    const onHash = () => {
      setRoute(parseRoute(location.hash));
      document.getElementById('main')?.focus();
    };
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  const link = (href: string, label: string, active: boolean) => (
    <a href={href} aria-current={active ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <SessionProvider>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <span class="brand">keelson console</span>
        <nav aria-label="Pages">
          {link('#/', 'Now', route.page === 'now')}
          {link('#/rollouts', 'History', route.page === 'history' || route.page === 'rollout')}
          {link('#/quality', 'Model quality', route.page === 'quality')}
        </nav>
        <span class={connected ? 'live on' : 'live'} role="status">
          {connected ? 'live' : 'reconnecting…'}
        </span>
        <SessionBar />
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === 'now' && <Now />}
        {route.page === 'history' && <History />}
        {route.page === 'quality' && <Quality />}
        {route.page === 'rollout' && <RolloutPage id={route.id} />}
      </main>
    </SessionProvider>
  );
}

render(<App />, document.getElementById('app')!);
