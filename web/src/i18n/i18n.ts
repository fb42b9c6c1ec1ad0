import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { en, ru, uk, type MessageKey, type Messages } from './messages';

export type Lang = 'uk' | 'ru' | 'en';
export type { MessageKey };

export const languages: { code: Lang; name: string }[] = [
  { code: 'uk', name: 'Українська' },
  { code: 'ru', name: 'Русский' },
  { code: 'en', name: 'English' },
];

const dictionaries: Record<Lang, Messages> = { uk, ru, en };

/** Locales for Intl: 24-hour clock and day-first dates in all three. */
export const locales: Record<Lang, string> = { uk: 'uk-UA', ru: 'ru-UA', en: 'en-GB' };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const messages = dictionaries[lang];
  return (key, params) => {
    const text = messages[key] ?? en[key] ?? key;
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in params ? String(params[name]) : whole,
    );
  };
}

const kStorageKey = 'dzvin.lang';

/** The language chosen before on this browser, else Ukrainian. */
export function savedLang(): Lang {
  try {
    const saved = localStorage.getItem(kStorageKey);
    if (saved === 'uk' || saved === 'ru' || saved === 'en') return saved;
  } catch {
    // storage disabled: the default
  }
  return 'uk';
}

export function saveLang(lang: Lang): void {
  try {
    localStorage.setItem(kStorageKey, lang);
  } catch {
    // storage disabled: the choice lasts until reload
  }
  document.documentElement.lang = lang;
}

export interface I18n {
  lang: Lang;
  locale: string;
  t: Translate;
  setLang: (lang: Lang) => void;
}

export const I18nContext = createContext<I18n>({
  lang: 'uk',
  locale: locales.uk,
  t: translator('uk'),
  setLang: () => undefined,
});

export function useI18n(): I18n {
  return useContext(I18nContext);
}
