import { languages, useI18n, type Lang } from '../i18n/i18n';

export function LanguagePicker() {
  const { lang, t, setLang } = useI18n();
  return (
    <label class="language-picker">
      <span class="visually-hidden">{t('app.language')}</span>
      <select
        value={lang}
        aria-label={t('app.language')}
        onChange={(e) => setLang((e.currentTarget as HTMLSelectElement).value as Lang)}
      >
        {languages.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}
