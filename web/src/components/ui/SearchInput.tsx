import { useId, type InputHTMLAttributes } from 'react';
import { Icon } from './Icon';

interface SearchInputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'value' | 'onChange'> {
  label: string;
  value: string;
  onChange: (value: string) => void;
}

export function SearchInput({ label, value, onChange, className, id, ...input }: SearchInputProps) {
  const generated = useId();
  const inputId = id ?? generated;
  return (
    <div className={['search-input', className].filter(Boolean).join(' ')}>
      <label htmlFor={inputId} className="visually-hidden">
        {label}
      </label>
      <Icon name="search" className="search-input-icon" />
      <input
        id={inputId}
        type="search"
        className="input"
        value={value}
        autoComplete="off"
        spellCheck={false}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && value) {
            event.preventDefault();
            onChange('');
          }
        }}
        {...input}
      />
      {value && (
        <button type="button" className="search-input-clear" onClick={() => onChange('')}>
          <Icon name="close" size={14} />
          <span className="visually-hidden">Clear search</span>
        </button>
      )}
    </div>
  );
}
