import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { User } from './api/types';

export interface Session {
  user: User;
  logOut: () => void;
}

export const SessionContext = createContext<Session | null>(null);

/** The logged-in user; only pages behind the login use it. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a session');
  return session;
}
