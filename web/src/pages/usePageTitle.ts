import { useEffect } from 'preact/hooks';
import { useI18n } from '../i18n/i18n';

export function usePageTitle(title: string): void {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${title} — ${t('app.name')}`;
  }, [title, t]);
}
