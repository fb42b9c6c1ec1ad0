import { useState } from 'preact/hooks';
import { logIn } from '../api/auth';
import { ApiError } from '../api/client';
import type { User } from '../api/types';
import { errorText } from '../components/ErrorNotice';
import { LanguagePicker } from '../components/LanguagePicker';
import { useI18n } from '../i18n/i18n';

export function LoginPage({ onLoggedIn, notice }: { onLoggedIn: (user: User) => void; notice?: string }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLoggedIn(await logIn(email, password));
    } catch (failure) {
      setError(loginErrorText(failure));
      setBusy(false);
    }
  };

  const loginErrorText = (failure: unknown): string => {
    if (failure instanceof ApiError && failure.status === 401) return t('login.wrong');
    if (failure instanceof ApiError && failure.status === 429)
      return t('login.throttled', { minutes: Math.max(1, Math.ceil((failure.retryAfterSeconds ?? 60) / 60)) });
    return errorText(failure, t);
  };

  return (
    <div class="login-screen">
      <main id="main" class="login-card">
        <div class="login-top">
          <div class="brand brand-large">
            <img src="/favicon.svg" alt="" width="40" height="40" />
            <span>{t('app.name')}</span>
          </div>
          <LanguagePicker />
        </div>
        <h1>{t('login.title')}</h1>
        <p class="muted">{t('login.lead')}</p>
        {notice && !error && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        <form onSubmit={submit} class="stack" aria-describedby={error ? 'login-error' : undefined}>
          <div class="field">
            <label for="login-email">{t('login.email')}</label>
            <input
              id="login-email"
              name="email"
              type="email"
              autoComplete="username"
              required
              value={email}
              onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)}
            />
          </div>
          <div class="field">
            <label for="login-password">{t('login.password')}</label>
            <input
              id="login-password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)}
            />
          </div>
          {error && (
            <p id="login-error" class="notice notice-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" class="button-primary" disabled={busy}>
            {busy ? t('login.submitting') : t('login.submit')}
          </button>
        </form>
      </main>
    </div>
  );
}
