import type { ForwardStep, HangupStep, Step } from '../../api/routingTypes';
import { useI18n } from '../../i18n/i18n';
import { Field } from '../Field';
import { FallbackFields } from './FallbackFields';
import { MenuStepFields } from './MenuStepFields';
import { NamePicker, type NameOption } from './NamePicker';
import { NumberField } from './NumberField';
import { RingStepFields } from './RingStepFields';
import { useSchemeEditing, type SchemeChoices, type StepError } from './schemeContext';
import { stepFieldId } from './stepFieldIds';
import { withoutUndefined } from './stepModel';
import { WhenStepFields } from './WhenStepFields';

/** The form of one step, by its type. */
export function StepFields({ step, path, onChange, error }: { step: Step; path: string; onChange: (step: Step) => void; error?: StepError }) {
  const { t } = useI18n();
  const { choices } = useSchemeEditing();
  const errorOf = (field: string) => (error?.field === field ? stepFieldId(path, 'error') : undefined);
  const id = (field: string) => stepFieldId(path, field);
  switch (step.type) {
    case 'ring':
      return <RingStepFields step={step} path={path} onChange={onChange} error={error} />;
    case 'when':
      return <WhenStepFields step={step} path={path} onChange={onChange} error={error} />;
    case 'menu':
      return <MenuStepFields step={step} path={path} onChange={onChange} error={error} prompts={promptOptions(choices)} />;
    case 'forward':
      return <ForwardStepFields step={step} path={path} onChange={onChange} error={error} />;
    case 'voicemail':
      return (
        <div class="step-fields">
          <NamePicker
            id={id('box')}
            label={t('voicemailStep.box')}
            value={step.box}
            options={boxOptions(choices, t('voicemailStep.boxes'), t('voicemailStep.personal'))}
            invalidBy={errorOf('box')}
            onChange={(box) => onChange({ ...step, box })}
          />
        </div>
      );
    case 'play':
      return (
        <div class="step-fields">
          <NamePicker id={id('prompt')} label={t('play.prompt')} value={step.prompt} options={promptOptions(choices)} invalidBy={errorOf('prompt')} onChange={(prompt) => onChange({ ...step, prompt })} />
        </div>
      );
    case 'hangup':
      return <HangupStepFields step={step} path={path} onChange={onChange} error={error} />;
  }
}

function promptOptions(choices: SchemeChoices): NameOption[] | null {
  return choices.prompts?.map((p) => ({ value: p.name, label: p.text ? `${p.name}: ${p.text.length > 60 ? `${p.text.slice(0, 57)}…` : p.text}` : p.name })) ?? null;
}

/** The company's boxes, then every user's own box (named after the user). */
function boxOptions(choices: SchemeChoices, boxes: string, personal: string): NameOption[] | null {
  if (choices.boxes === null && choices.users === null) return null;
  const named = (choices.boxes ?? []).map((b) => ({ value: b.name, label: b.name, group: boxes }));
  const own = (choices.users ?? [])
    .filter((u) => !named.some((b) => b.value === u.username))
    .map((u) => ({ value: u.username, label: u.display_name ? `${u.display_name} (${u.username})` : u.username, group: personal }));
  return [...named, ...own];
}

function ForwardStepFields({ step, path, onChange, error }: { step: ForwardStep; path: string; onChange: (step: ForwardStep) => void; error?: StepError }) {
  const { t } = useI18n();
  const { choices } = useSchemeEditing();
  const errorOf = (field: string) => (error?.field === field ? stepFieldId(path, 'error') : undefined);
  const id = (field: string) => stepFieldId(path, field);
  return (
    <div class="step-fields">
      <div class="step-row">
        <Field id={id('to')} label={t('forward.to')} hint={t('forward.toHint')} invalidBy={errorOf('to')}>
          {(aria) => <input {...aria} inputMode="tel" autoComplete="off" value={step.to} onInput={(e) => onChange({ ...step, to: (e.currentTarget as HTMLInputElement).value })} />}
        </Field>
        <NumberField id={id('timeout')} label={t('ring.timeout')} min={1} max={600} value={step.timeout} invalidBy={errorOf('timeout')} onChange={(timeout) => onChange(withoutUndefined({ ...step, timeout }))} />
        <NamePicker
          id={id('trunk')}
          label={t('forward.trunk')}
          hint={choices.trunks ? undefined : t('forward.trunkHint')}
          optional
          noneLabel={t('forward.defaultTrunk')}
          value={step.trunk ?? ''}
          options={choices.trunks?.map((tr) => ({ value: tr.name, label: tr.address ? `${tr.name} (${tr.address})` : tr.name })) ?? null}
          invalidBy={errorOf('trunk')}
          onChange={(trunk) => onChange(withoutUndefined({ ...step, trunk: trunk || undefined }))}
        />
      </div>
      <FallbackFields step={step} path={path} onChange={onChange} errorField={error?.field} invalidBy={stepFieldId(path, 'error')} />
    </div>
  );
}

function HangupStepFields({ step, path, onChange, error }: { step: HangupStep; path: string; onChange: (step: HangupStep) => void; error?: StepError }) {
  const { t } = useI18n();
  const errorOf = (field: string) => (error?.field === field ? stepFieldId(path, 'error') : undefined);
  const id = (field: string) => stepFieldId(path, field);
  return (
    <div class="step-fields step-row">
      <NumberField id={id('status')} label={t('hangup.status')} hint={t('hangup.statusHint')} min={400} max={699} value={step.status} invalidBy={errorOf('status')} onChange={(status) => onChange(withoutUndefined({ ...step, status }))} />
      <Field id={id('reason')} label={t('hangup.reason')} invalidBy={errorOf('reason')}>
        {(aria) => (
          <input {...aria} maxLength={100} autoComplete="off" value={step.reason ?? ''} onInput={(e) => onChange(withoutUndefined({ ...step, reason: (e.currentTarget as HTMLInputElement).value || undefined }))} />
        )}
      </Field>
    </div>
  );
}
