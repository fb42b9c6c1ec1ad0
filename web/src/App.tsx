import { useEffect, useMemo, useState } from 'preact/hooks';
import { currentUser, logOut } from './api/auth';
import { onSessionEnded } from './api/client';
import { atLeast, type Role, type User } from './api/types';
import { ErrorNotice } from './components/ErrorNotice';
import { Layout } from './components/Layout';
import { I18nContext, locales, saveLang, savedLang, translator, useI18n, type I18n, type Lang } from './i18n/i18n';
import { CallLogPage } from './pages/CallLogPage';
import { ContactPage } from './pages/ContactPage';
import { ContactsPage } from './pages/ContactsPage';
import { DashboardPage } from './pages/DashboardPage';
import { HeatmapPage } from './pages/HeatmapPage';
import { LoginPage } from './pages/LoginPage';
import { CallPage } from './pages/CallPage';
import { GroupsPage } from './pages/GroupsPage';
import { SchedulesPage } from './pages/SchedulesPage';
import { SchemesPage } from './pages/SchemesPage';
import { TasksPage } from './pages/TasksPage';
import { UsersPage } from './pages/UsersPage';
import { VoicemailPage } from './pages/VoicemailPage';
import { kMinimumRole, useRoute, type Route } from './router';
import { SessionContext, type Session } from './session';

/** The navigation item a page of one item belongs to. */
const kNavOf: Partial<Record<Route['name'], Route['name']>> = { call: 'calls', contact: 'contacts' };

type SessionState = { kind: 'checking' } | { kind: 'failed'; error: unknown } | { kind: 'out'; notice?: string } | { kind: 'in'; user: User };

export function App() {
  const [lang, setLangState] = useState<Lang>(savedLang);
  const i18n = useMemo<I18n>(
    () => ({
      lang,
      locale: locales[lang],
      t: translator(lang),
      setLang: (next) => {
        saveLang(next);
        setLangState(next);
      },
    }),
    [lang],
  );
  const [session, setSession] = useState<SessionState>({ kind: 'checking' });
  const [attempt, setAttempt] = useState(0);
  const route = useRoute();

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  // The cookie may still hold a session from before the reload.
  useEffect(() => {
    currentUser().then(
      (user) => setSession(user ? { kind: 'in', user } : { kind: 'out' }),
      (error) => setSession({ kind: 'failed', error }),
    );
  }, [attempt]);

  useEffect(() => {
    onSessionEnded(() => setSession({ kind: 'out', notice: i18n.t('error.sessionEnded') }));
    return () => onSessionEnded(null);
  }, [i18n]);

  const sessionValue = useMemo<Session | null>(
    () =>
      session.kind === 'in'
        ? {
            user: session.user,
            logOut: () => {
              logOut().finally(() => setSession({ kind: 'out' }));
            },
          }
        : null,
    [session],
  );

  let content;
  if (session.kind === 'checking') {
    content = <p class="boot muted">{i18n.t('common.loading')}</p>;
  } else if (session.kind === 'failed') {
    content = (
      <div class="boot">
        <ErrorNotice error={session.error} onRetry={() => setAttempt((n) => n + 1)} />
      </div>
    );
  } else if (session.kind === 'out') {
    content = <LoginPage notice={session.notice} onLoggedIn={(user) => setSession({ kind: 'in', user })} />;
  } else {
    content = (
      <SessionContext.Provider value={sessionValue}>
        <Layout route={kNavOf[route.name] ?? route.name}>
          <Page route={route} role={session.user.role} />
        </Layout>
      </SessionContext.Provider>
    );
  }
  return <I18nContext.Provider value={i18n}>{content}</I18nContext.Provider>;
}

function Page({ route, role }: { route: Route; role: Role }) {
  if (!atLeast(role, kMinimumRole[route.name])) return <Refusal kind="forbidden" />;
  switch (route.name) {
    case 'dashboard':
      return <DashboardPage />;
    case 'calls':
      return <CallLogPage />;
    case 'call':
      return <CallPage id={route.id ?? ''} />;
    case 'voicemail':
      return <VoicemailPage />;
    case 'tasks':
      return <TasksPage />;
    case 'contacts':
      return <ContactsPage />;
    case 'contact':
      return <ContactPage key={route.id} id={route.id ?? ''} />;
    case 'schemes':
      return <SchemesPage />;
    case 'schedules':
      return <SchedulesPage />;
    case 'groups':
      return <GroupsPage />;
    case 'heatmap':
      return <HeatmapPage />;
    case 'users':
      return <UsersPage />;
    case 'notFound':
      return <Refusal kind="notFound" />;
  }
}

function Refusal({ kind }: { kind: 'forbidden' | 'notFound' }) {
  const { t } = useI18n();
  return (
    <div class="page">
      <p class="notice notice-error" role="alert">
        {kind === 'forbidden' ? t('error.forbidden') : t('error.notFound')}
      </p>
    </div>
  );
}
