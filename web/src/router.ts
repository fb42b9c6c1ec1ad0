// Hash routes (#/calls): every page works from index.html alone, whatever serves it.

import { useEffect, useState } from 'preact/hooks';

export type RouteName = 'dashboard' | 'calls' | 'heatmap' | 'users' | 'notFound';

export const routePaths: Record<Exclude<RouteName, 'notFound'>, string> = {
  dashboard: '#/',
  calls: '#/calls',
  heatmap: '#/reports/heatmap',
  users: '#/users',
};

export function routeOf(hash: string): RouteName {
  const path = hash.replace(/^#/, '').split('?')[0] || '/';
  switch (path) {
    case '/':
      return 'dashboard';
    case '/calls':
      return 'calls';
    case '/reports/heatmap':
      return 'heatmap';
    case '/users':
      return 'users';
    default:
      return 'notFound';
  }
}

export function useRoute(): RouteName {
  const [route, setRoute] = useState<RouteName>(routeOf(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(routeOf(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
