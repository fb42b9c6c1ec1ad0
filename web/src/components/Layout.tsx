import type { ComponentChildren } from 'preact';
import { atLeast } from '../api/types';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { useMyOpenTasks } from '../live/myOpenTasks';
import { useUnheardVoicemails } from '../live/unheardVoicemails';
import { kMinimumRole, routePaths, type NavRoute, type RouteName } from '../router';
import { useSession } from '../session';
import { CallerCardStack } from './crm/CallerCardStack';
import { IntakeProvider } from './crm/IntakeProvider';
import { TaskAssignedNotice } from './crm/TaskAssignedNotice';
import { LanguagePicker } from './LanguagePicker';
import { NavCount } from './NavCount';

const kNav: { route: NavRoute; label: MessageKey }[] = [
  { route: 'dashboard', label: 'nav.dashboard' },
  { route: 'calls', label: 'nav.calls' },
  { route: 'tasks', label: 'nav.tasks' },
  { route: 'contacts', label: 'nav.contacts' },
  { route: 'voicemail', label: 'nav.voicemail' },
  { route: 'heatmap', label: 'nav.heatmap' },
  { route: 'schemes', label: 'nav.schemes' },
  { route: 'schedules', label: 'nav.schedules' },
  { route: 'groups', label: 'nav.groups' },
  { route: 'users', label: 'nav.users' },
];

export function Layout({ route, children }: { route: RouteName; children: ComponentChildren }) {
  const { t } = useI18n();
  const { user, logOut } = useSession();
  const unheard = useUnheardVoicemails();
  const openTasks = useMyOpenTasks();
  const counts: Partial<Record<NavRoute, ComponentChildren>> = {
    voicemail: <NavCount count={unheard} kind="unheard" spoken={(count) => t('voicemail.unheardCount', { count })} />,
    tasks: <NavCount count={openTasks} kind="open-tasks" spoken={(count) => t('tasks.openCount', { count })} />,
  };
  return (
    <IntakeProvider>
      <a class="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header class="app-header">
        <a class="brand" href={routePaths.dashboard}>
          <img src="/favicon.svg" alt="" width="28" height="28" />
          <span>{t('app.name')}</span>
        </a>
        <nav aria-label={t('app.mainMenu')}>
          <ul>
            {kNav
              .filter((item) => atLeast(user.role, kMinimumRole[item.route]))
              .map((item) => (
                <li key={item.route}>
                  <a href={routePaths[item.route]} aria-current={route === item.route ? 'page' : undefined} data-nav={item.route}>
                    {t(item.label)}
                    {counts[item.route]}
                  </a>
                </li>
              ))}
          </ul>
        </nav>
        <div class="header-tools">
          <span class="who" title={t('app.signedInAs', { name: user.display_name || user.username })}>
            {user.display_name || user.username}
            <small>{t(`role.${user.role}` as MessageKey)}</small>
          </span>
          <LanguagePicker />
          <button type="button" class="button-secondary" onClick={logOut}>
            {t('app.logout')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <aside class="live-corner" aria-label={t('card.corner')}>
        <TaskAssignedNotice />
        <CallerCardStack />
      </aside>
    </IntakeProvider>
  );
}
