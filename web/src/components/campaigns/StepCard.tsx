import { useState } from 'react';
import type { CustomField } from '../../api/types';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Card, CardBody, CardHeader } from '../ui/Card';
import { Icon } from '../ui/Icon';
import { TabPanel, Tabs } from '../ui/Tabs';
import { emptyVariant, errorsUnder, variantLabel, type DraftErrors, type StepDraft, type VariantDraft } from './campaignDraft';
import { formatDelay } from './campaignDisplay';
import { VariantEditor } from './VariantEditor';

const MAX_VARIANTS = 26;

interface StepCardProps {
  step: StepDraft;
  index: number;
  count: number;
  errors: DraftErrors;
  customFields: CustomField[];
  disabled: boolean;
  /** Steps that already went out stay where they are. */
  locked: boolean;
  onChange: (step: StepDraft, field: string) => void;
  onMove: (delta: -1 | 1) => void;
  onRemove: () => void;
}

/** Evenly split weights in percent, or null for a single variant. */
function shares(variants: VariantDraft[]): (number | null)[] {
  if (variants.length < 2) return variants.map(() => null);
  const weights = variants.map((v) => Math.max(0, Number(v.weight) || 0));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => (total > 0 ? Math.round((w / total) * 100) : 0));
}

export function StepCard({ step, index, count, errors, customFields, disabled, locked, onChange, onMove, onRemove }: StepCardProps) {
  // By position, so the variant on screen stays on screen when a save gives new variants their ids.
  const [active, setActive] = useState(0);
  const path = `steps.${index}`;
  const currentIndex = Math.min(active, step.variants.length - 1);
  const current = step.variants[currentIndex];
  const split = shares(step.variants);
  const title = `Step ${index + 1}`;
  const stepProblems = [errors[path], errors[`${path}.id`], errors[`${path}.variants`]].filter(Boolean);

  function changeVariant(key: string, patch: Partial<VariantDraft>, field: string) {
    onChange({ ...step, variants: step.variants.map((v) => (v.key === key ? { ...v, ...patch } : v)) }, field);
  }

  function addVariant() {
    const used = new Set(step.variants.map((v) => v.label.toLowerCase()));
    let n = step.variants.length;
    while (used.has(variantLabel(n).toLowerCase()) && n < step.variants.length + MAX_VARIANTS) n += 1;
    // A new variant starts as a copy of the one on screen: A/B tests usually change one thing.
    const base = current ?? emptyVariant('A');
    const added: VariantDraft = { ...emptyVariant(variantLabel(n), base.weight || '50'), subject: base.subject, bodyText: base.bodyText, bodyHtml: base.bodyHtml, htmlEnabled: base.htmlEnabled };
    onChange({ ...step, variants: [...step.variants, added] }, `${path}.variants`);
    setActive(step.variants.length);
  }

  function removeVariant(key: string) {
    onChange({ ...step, variants: step.variants.filter((v) => v.key !== key) }, `${path}.variants`);
    setActive(0);
  }

  const delay = (index > 0 && (
    <div className="step-delay">
      <Icon name="activity" size={16} />
      <label className="step-delay-field">
        <span>Wait</span>
        <input
          className="input input-sm step-delay-input"
          type="number"
          inputMode="numeric"
          min={0}
          max={365}
          value={step.delayDays}
          disabled={disabled}
          aria-label={`${title} delay, days`}
          aria-invalid={errors[`${path}.delayMinutes`] ? true : undefined}
          onChange={(event) => onChange({ ...step, delayDays: event.target.value }, `${path}.delayMinutes`)}
        />
        <span>days</span>
      </label>
      <label className="step-delay-field">
        <input
          className="input input-sm step-delay-input"
          type="number"
          inputMode="numeric"
          min={0}
          max={23}
          value={step.delayHours}
          disabled={disabled}
          aria-label={`${title} delay, hours`}
          aria-invalid={errors[`${path}.delayMinutes`] ? true : undefined}
          onChange={(event) => onChange({ ...step, delayHours: event.target.value }, `${path}.delayMinutes`)}
        />
        <span>hours after step {index}, if there is no reply.</span>
      </label>
      {step.delayExtraMinutes > 0 && <span className="muted small">(+{formatDelay(step.delayExtraMinutes)})</span>}
    </div>
  )) || (
    <p className="step-delay muted">
      <Icon name="send" size={16} />
      Sent first, as soon as the schedule allows after a contact is enrolled.
    </p>
  );

  return (
    <Card className="step-card" aria-label={title}>
      <CardHeader
        title={
          <span className="step-title">
            <span className="step-number">{index + 1}</span>
            {index === 0 ? 'First email' : `Follow-up ${index}`}
          </span>
        }
        actions={
          <div className="step-actions">
            <Button size="sm" variant="ghost" icon="arrowUp" onClick={() => onMove(-1)} disabled={disabled || locked || index === 0} aria-label={`Move ${title} up`}>
              Up
            </Button>
            <Button size="sm" variant="ghost" icon="arrowDown" onClick={() => onMove(1)} disabled={disabled || locked || index === count - 1} aria-label={`Move ${title} down`}>
              Down
            </Button>
            <Button size="sm" variant="ghost" icon="trash" className="btn-danger-ghost" onClick={onRemove} disabled={disabled || locked} aria-label={`Remove ${title}`}>
              Remove
            </Button>
          </div>
        }
      />
      <CardBody className="step-body">
        {delay}
        {errors[`${path}.delayMinutes`] && (
          <p className="field-error">
            <Icon name="alert" size={14} />
            <span>{errors[`${path}.delayMinutes`]}</span>
          </p>
        )}
        {stepProblems.length > 0 && <Alert tone="danger">{stepProblems.join(' ')}</Alert>}
        <div className="variant-bar">
          <Tabs
            id={`variants-${step.key}`}
            label={`${title} variants`}
            value={current?.key ?? ''}
            onChange={(key) => setActive(Math.max(0, step.variants.findIndex((v) => v.key === key)))}
            tabs={step.variants.map((v, j) => ({
              id: v.key,
              label: `Variant ${v.label || variantLabel(j)}${split[j] !== null ? ` · ${split[j]}%` : ''}`,
              alert: errorsUnder(errors, `${path}.variants.${j}`).length > 0 ? 'has errors' : undefined,
            }))}
          />
          <Button size="sm" variant="ghost" icon="plus" onClick={addVariant} disabled={disabled || step.variants.length >= MAX_VARIANTS}>
            Add variant
          </Button>
        </div>
        {current && (
          <TabPanel id={`variants-${step.key}`} tab={current.key}>
            <VariantEditor
              key={current.key}
              variant={current}
              path={`${path}.variants.${currentIndex}`}
              stepIndex={index}
              share={split[currentIndex] ?? null}
              errors={errors}
              customFields={customFields}
              disabled={disabled}
              canRemove={step.variants.length > 1}
              onChange={(patch, field) => changeVariant(current.key, patch, field)}
              onRemove={() => removeVariant(current.key)}
            />
          </TabPanel>
        )}
      </CardBody>
    </Card>
  );
}
