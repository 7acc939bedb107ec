import { Icon } from './Icon';

interface StepsProps {
  label: string;
  steps: string[];
  /** Index of the current step; earlier ones show as done. */
  current: number;
}

export function Steps({ label, steps, current }: StepsProps) {
  return (
    <ol className="steps" aria-label={label}>
      {steps.map((step, index) => {
        const state = index < current ? 'done' : index === current ? 'current' : 'todo';
        return (
          <li key={step} className={`step step-${state}`} aria-current={state === 'current' ? 'step' : undefined}>
            <span className="step-marker" aria-hidden="true">
              {state === 'done' ? <Icon name="check" size={12} /> : index + 1}
            </span>
            <span className="step-label">
              {step}
              {state === 'done' && <span className="visually-hidden"> (done)</span>}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
