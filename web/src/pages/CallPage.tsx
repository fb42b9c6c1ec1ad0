import { CallDetail } from '../components/CallDetail';
import { useI18n } from '../i18n/i18n';
import { routePaths } from '../router';
import { usePageTitle } from './usePageTitle';

/** One call (#/calls/ID): its timeline and audio; voicemails link here. */
export function CallPage({ id }: { id: string }) {
  const { t } = useI18n();
  usePageTitle(t('call.title'));
  return (
    <div class="page">
      <div class="page-head">
        <h1>{t('call.title')}</h1>
        <a href={routePaths.calls}>{t('dashboard.allCalls')}</a>
      </div>
      <section class="panel">
        <CallDetail id={id} summary />
      </section>
    </div>
  );
}
