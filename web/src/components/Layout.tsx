import type { ComponentChildren } from 'preact';
import { atLeast } from '../api/types';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { useUnheardVoicemails } from '../live/unheardVoicemails';
import { kMinimumRole, routePaths, type NavRoute, type RouteName } from '../router';
import { useSession } from '../session';
import { LanguagePicker } from './LanguagePicker';

const kNav: { route: NavRoute; label: MessageKey }[] = [
  { route: 'dashboard', label: 'nav.dashboard' },
  { route: 'calls', label: 'nav.calls' },
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
  return (
    <>
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
                    {item.route === 'voicemail' && unheard && unheard.count > 0 && (
                      <span class="nav-count" data-unheard={unheard.count}>
                        <span aria-hidden="true">{unheard.more ? `${unheard.count}+` : unheard.count}</span>
                        <span class="visually-hidden">
                          {', '}
                          {t('voicemail.unheardCount', { count: unheard.more ? `${unheard.count}+` : unheard.count })}
                        </span>
                      </span>
                    )}
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
    </>
  );
}
