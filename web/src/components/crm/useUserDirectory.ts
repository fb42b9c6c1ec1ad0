import { listDirectory, userLabel } from '../../api/users';
import { useResource } from '../../api/useResource';
import { useSession } from '../../session';
import type { NameOption } from '../scheme/NamePicker';

export interface UserDirectory {
  /** The company's users to pick from; null until they are loaded (or when they cannot be). */
  options: NameOption[] | null;
  /** "Олена (1003)" for "1003" when known, else the username. */
  nameOf: (username: string) => string;
}

/** The users of the company as pickers and tables name them (every role may read them). */
export function useUserDirectory(): UserDirectory {
  const { user } = useSession();
  const users = useResource((signal) => listDirectory(signal), []);
  const labels = new Map((users.data ?? []).map((u) => [u.username, userLabel(u)]));
  labels.set(user.username, userLabel(user));
  return {
    options: users.data ? users.data.map((u) => ({ value: u.username, label: userLabel(u) })) : null,
    nameOf: (username) => labels.get(username) ?? username,
  };
}
