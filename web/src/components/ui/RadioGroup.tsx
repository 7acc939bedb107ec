import { useId, type ReactNode } from 'react';

export interface RadioOption<T extends string> {
  value: T;
  label: string;
  description?: ReactNode;
}

interface RadioGroupProps<T extends string> {
  legend: string;
  value: T;
  options: RadioOption<T>[];
  onChange: (value: T) => void;
  disabled?: boolean;
  /** Side by side on wide screens (cards), stacked otherwise. */
  layout?: 'stack' | 'cards';
}

export function RadioGroup<T extends string>({ legend, value, options, onChange, disabled, layout = 'stack' }: RadioGroupProps<T>) {
  const name = useId();
  return (
    <fieldset className={`radio-group radio-group-${layout}`} disabled={disabled}>
      <legend className="field-label">{legend}</legend>
      <div className="radio-options">
        {options.map((option) => {
          const id = `${name}-${option.value}`;
          return (
            <div key={option.value} className={option.value === value ? 'radio-option radio-option-checked' : 'radio-option'}>
              <input
                id={id}
                type="radio"
                name={name}
                className="radio-input"
                value={option.value}
                checked={option.value === value}
                onChange={() => onChange(option.value)}
                aria-describedby={option.description ? `${id}-description` : undefined}
              />
              <span className="checkbox-text">
                <label htmlFor={id} className="checkbox-label">
                  {option.label}
                </label>
                {option.description && (
                  <span className="checkbox-description" id={`${id}-description`}>
                    {option.description}
                  </span>
                )}
              </span>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}
