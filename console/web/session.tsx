import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { Session } from '../api-schema';
import { getJson, postJson } from './api';

const SessionContext = createContext<{ session: Session | null; refresh(): void }>({ session: null, refresh: () => {} });

/** Whether this browser holds a console session (the cookie itself is HttpOnly: only the server can read it). */
export function SessionProvider(props: { children: ComponentChildren }) {
  const [session, setSession] = useState<Session | null>(null);
  const refresh = () => void getJson<Session>('api/session').then((s) => s.kind === 'ok' && setSession(s.data));
  useEffect(refresh, []);
  return <SessionContext.Provider value={{ session, refresh }}>{props.children}</SessionContext.Provider>;
}

export const useSession = () => useContext(SessionContext);

export function SessionBar() {
  const { session, refresh } = useSession();
  if (!session) return null;
  if (!session.loggedIn) return <span class="who">read-only</span>;
  return (
    <span class="who">
      logged in{' '}
      <button type="button" class="link" onClick={() => void postJson('api/logout', {}).then(refresh)}>
        log out
      </button>
    </span>
  );
}
