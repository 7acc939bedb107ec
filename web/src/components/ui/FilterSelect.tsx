import { useId } from 'react';
import type { SelectOption } from './Field';

interface FilterSelectProps {
  label: string;
  value: string;
  options: SelectOption[];
  onChange: (value: string) => void;
  /** Text of the "no filter" choice (value ""). */
  anyLabel?: string;
  disabled?: boolean;
}

/** A compact select for filter bars: the label stays visible inside the control. */
export function FilterSelect({ label, value, options, onChange, anyLabel = 'All', disabled }: FilterSelectProps) {
  const id = useId();
  return (
    <div className={value ? 'filter-select filter-select-active' : 'filter-select'}>
      <label htmlFor={id} className="filter-select-label">
        {label}
      </label>
      <select id={id} className="input select" value={value} disabled={disabled} onChange={(event) => onChange(event.target.value)}>
        <option value="">{anyLabel}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
