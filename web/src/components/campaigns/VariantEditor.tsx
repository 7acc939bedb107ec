import { useLayoutEffect, useRef } from 'react';
import type { CustomField } from '../../api/types';
import { Button } from '../ui/Button';
import { Checkbox } from '../ui/Checkbox';
import { TextareaField, TextField } from '../ui/Field';
import type { DraftErrors, VariantDraft } from './campaignDraft';
import { VariablePicker } from './VariablePicker';

type TextKey = 'subject' | 'bodyText' | 'bodyHtml';

interface VariantEditorProps {
  variant: VariantDraft;
  /** Request path of this variant, e.g. "steps.0.variants.1" (errors are keyed by it). */
  path: string;
  stepIndex: number;
  /** This variant's share of the step, in percent, or null when there is only one. */
  share: number | null;
  errors: DraftErrors;
  customFields: CustomField[];
  disabled: boolean;
  canRemove: boolean;
  onChange: (patch: Partial<VariantDraft>, field: string) => void;
  onRemove: () => void;
}

export function VariantEditor({ variant, path, stepIndex, share, errors, customFields, disabled, canRemove, onChange, onRemove }: VariantEditorProps) {
  const refs = { subject: useRef<HTMLInputElement>(null), bodyText: useRef<HTMLTextAreaElement>(null), bodyHtml: useRef<HTMLTextAreaElement>(null) };
  // Where a picked variable goes: the text field focused last, at its cursor (the body by default).
  // A field keeps its selection after losing focus to the menu, so the cursor is read at insert time.
  const target = useRef<TextKey | null>(null);
  const caret = useRef<{ key: TextKey; at: number } | null>(null);
  const name = `Variant ${variant.label || '?'}`;

  useLayoutEffect(() => {
    const pending = caret.current;
    if (!pending) return;
    caret.current = null;
    const element = refs[pending.key].current;
    element?.focus();
    element?.setSelectionRange(pending.at, pending.at);
  });

  function insert(token: string) {
    const key = target.current === null || (target.current === 'bodyHtml' && !variant.htmlEnabled) ? 'bodyText' : target.current;
    const value = variant[key];
    // Nothing focused yet: the variable goes at the end of the body.
    const element = target.current === key ? refs[key].current : null;
    const start = Math.min(element?.selectionStart ?? value.length, value.length);
    const end = Math.min(element?.selectionEnd ?? value.length, value.length);
    caret.current = { key, at: start + token.length };
    onChange({ [key]: value.slice(0, start) + token + value.slice(end) }, `${path}.${key}`);
  }

  const field = (key: TextKey) => ({
    value: variant[key],
    error: errors[`${path}.${key}`],
    disabled,
    onChange: (event: { target: { value: string } }) => onChange({ [key]: event.target.value }, `${path}.${key}`),
    onFocus: () => {
      target.current = key;
    },
  });

  return (
    <div className="variant-editor">
      <div className="variant-meta">
        <TextField
          label="Variant label"
          className="input-sm"
          maxLength={50}
          autoComplete="off"
          value={variant.label}
          error={errors[`${path}.label`]}
          disabled={disabled}
          onChange={(event) => onChange({ label: event.target.value }, `${path}.label`)}
        />
        <TextField
          label="Weight"
          className="input-sm"
          type="number"
          inputMode="numeric"
          min={0}
          max={100}
          value={variant.weight}
          error={errors[`${path}.weight`]}
          hint={share === null ? 'Only variant: everyone gets it.' : `${share}% of contacts get this variant.`}
          disabled={disabled}
          onChange={(event) => onChange({ weight: event.target.value }, `${path}.weight`)}
        />
        {canRemove && (
          <Button size="sm" variant="ghost" icon="trash" className="variant-remove" onClick={onRemove} disabled={disabled} aria-label={`Remove ${name}`}>
            Remove
          </Button>
        )}
      </div>

      <TextField
        ref={refs.subject}
        label="Subject"
        maxLength={998}
        autoComplete="off"
        placeholder={stepIndex === 0 ? 'Quick question, {{ first_name | default: "there" }}' : 'Leave empty to reply in the same thread'}
        hint={stepIndex === 0 ? undefined : 'Empty: sent as a reply ("Re: " and the first email\'s subject), in the same thread.'}
        {...field('subject')}
      />
      <TextareaField
        ref={refs.bodyText}
        label="Plain-text body"
        rows={10}
        className="template-input"
        placeholder={'Hi {{ first_name | default: "there" }},\n\n…'}
        {...field('bodyText')}
      />
      <div className="template-tools">
        <VariablePicker customFields={customFields} onInsert={insert} disabled={disabled} />
        <p className="muted small">
          Spintax varies wording per contact: <code className="code-pill">{'{Hi|Hello|Hey}'}</code> picks one. The footer with your postal address and an
          unsubscribe link is added when sending.
        </p>
      </div>
      <Checkbox
        label="Add an HTML version"
        description="Sent alongside the plain text; mail apps that show HTML use it."
        checked={variant.htmlEnabled}
        disabled={disabled}
        onChange={(event) => onChange({ htmlEnabled: event.target.checked }, `${path}.bodyHtml`)}
      />
      {variant.htmlEnabled && (
        <TextareaField
          ref={refs.bodyHtml}
          label="HTML body"
          rows={10}
          className="template-input mono"
          placeholder={'<p>Hi {{ first_name | default: "there" }},</p>'}
          {...field('bodyHtml')}
        />
      )}
    </div>
  );
}
