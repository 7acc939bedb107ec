import type { CustomField } from '../../api/types';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { emptyStep, type DraftErrors, type StepDraft } from './campaignDraft';
import { StepCard } from './StepCard';

const MAX_STEPS = 50;

interface SequenceEditorProps {
  steps: StepDraft[];
  errors: DraftErrors;
  customFields: CustomField[];
  disabled: boolean;
  /** While a campaign runs, steps it already has keep their place (their messages count through positions). */
  live: boolean;
  /** `field` is the request path edited, so its error can be cleared; structural edits pass "steps". */
  onChange: (steps: StepDraft[], field: string) => void;
}

export function SequenceEditor({ steps, errors, customFields, disabled, live, onChange }: SequenceEditorProps) {
  function replace(index: number, step: StepDraft, field: string) {
    onChange(steps.map((s, i) => (i === index ? step : s)), field);
  }

  function move(index: number, delta: -1 | 1) {
    const next = [...steps];
    const [step] = next.splice(index, 1);
    if (!step) return;
    next.splice(index + delta, 0, step);
    onChange(next, 'steps');
  }

  const addStep = () => onChange([...steps, emptyStep(steps.length === 0)], 'steps');

  if (steps.length === 0) {
    return (
      <Card>
        <EmptyState
          icon="mail"
          title="No emails yet"
          description="A sequence is a first email and the follow-ups sent when there's no reply."
          action={
            <Button variant="primary" icon="plus" onClick={addStep} disabled={disabled}>
              Write the first email
            </Button>
          }
        />
      </Card>
    );
  }

  return (
    <div className="sequence">
      {steps.map((step, index) => (
        <StepCard
          key={step.key}
          step={step}
          index={index}
          count={steps.length}
          errors={errors}
          customFields={customFields}
          disabled={disabled}
          locked={live && step.id !== undefined}
          onChange={(next, field) => replace(index, next, field)}
          onMove={(delta) => move(index, delta)}
          onRemove={() => onChange(steps.filter((_, i) => i !== index), 'steps')}
        />
      ))}
      <div className="sequence-add">
        <Button icon="plus" onClick={addStep} disabled={disabled || steps.length >= MAX_STEPS}>
          Add follow-up
        </Button>
      </div>
    </div>
  );
}
