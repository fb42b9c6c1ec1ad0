import type { ComponentChildren } from 'preact';
import { useI18n } from '../../i18n/i18n';
import { FormError } from '../FormError';
import { RoutingConflict } from '../RoutingConflict';
import type { RoutingSave } from './useRoutingSave';

/** The frame of a routing item's editor: its title and close button, a conflict, the form's error above the form. */
export function EditorPanel(props: {
  routing: RoutingSave<unknown>;
  /** A class of the panel besides `panel form-panel`. */
  class?: string;
  /** What went wrong that no field shows. */
  formError: string | null;
  children: ComponentChildren;
}) {
  const { t } = useI18n();
  const { kind, savedName, editor } = props.routing;
  const titleId = `${kind}-editor-title`;
  return (
    <section
      class={props.class ? `panel form-panel ${props.class}` : 'panel form-panel'}
      aria-labelledby={titleId}
      {...{ [`data-${kind}-editor`]: savedName ?? '' }}
    >
      <div class="panel-head">
        <h2 id={titleId}>{savedName !== null ? t(editor.readOnly ? `${kind}.viewTitle` : `${kind}.editTitle`, { name: savedName }) : t(`${kind}.newTitle`)}</h2>
        <button type="button" class="button-secondary" onClick={editor.onClose}>
          {t('common.close')}
        </button>
      </div>
      {props.routing.conflict && <RoutingConflict onReload={editor.onReload} />}
      <FormError text={props.formError} />
      {props.children}
    </section>
  );
}
