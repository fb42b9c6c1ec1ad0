import { useState } from 'preact/hooks';
import { clickToCall } from '../../api/calls';
import { ApiError } from '../../api/client';
import { useI18n } from '../../i18n/i18n';

/**
 * Click-to-call: Dzvin rings the user's own phone, then dials `number` once they pick up.
 * Says so while it waits, or why it could not start (no phone registered, a bad number).
 */
export function CallButton({ number }: { number: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<'idle' | 'starting' | 'ringing'>('idle');
  const [error, setError] = useState<string | null>(null);
  async function start() {
    setState('starting');
    setError(null);
    try {
      await clickToCall(number);
      setState('ringing');
      // The phone rings for up to 30 s; the button is usable again after that.
      window.setTimeout(() => setState('idle'), 30_000);
    } catch (e) {
      setState('idle');
      if (e instanceof ApiError && e.status === 409) setError(t('dial.offline'));
      else setError(e instanceof Error ? e.message : String(e));
    }
  }
  return (
    <span class="call-button" data-click-to-call={number}>
      <button type="button" class="button-secondary" disabled={state !== 'idle'} title={t('dial.title', { number })} onClick={() => void start()}>
        {t('dial.call')}
      </button>
      {state === 'ringing' && (
        <span class="muted" role="status" data-dial-state="ringing">
          {t('dial.ringing')}
        </span>
      )}
      {error && (
        <span class="form-error" role="alert" data-dial-error>
          {error}
        </span>
      )}
    </span>
  );
}
