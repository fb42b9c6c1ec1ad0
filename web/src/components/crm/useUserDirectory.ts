import { atLeast } from '../../api/types';
import { listAllUsers, userLabel } from '../../api/users';
import { useResource } from '../../api/useResource';
import { useSession } from '../../session';
import type { NameOption } from '../scheme/NamePicker';

export interface UserDirectory {
  /** The company's users to pick from; null when the role may not list them (below head: type the username). */
  options: NameOption[] | null;
  /** "Олена (1003)" for "1003" when known, else the username. */
  nameOf: (username: string) => string;
}

/** The users of the company as pickers and tables name them (heads and admins may list them). */
export function useUserDirectory(): UserDirectory {
  const { user } = useSession();
  const listable = atLeast(user.role, 'head');
  const users = useResource(listable ? (signal) => listAllUsers(signal) : null, [listable]);
  const labels = new Map((users.data ?? []).map((u) => [u.username, userLabel(u)]));
  labels.set(user.username, userLabel(user));
  return {
    options: users.data ? users.data.map((u) => ({ value: u.username, label: userLabel(u) })) : null,
    nameOf: (username) => labels.get(username) ?? username,
  };
}
