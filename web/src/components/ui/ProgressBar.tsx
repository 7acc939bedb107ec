interface ProgressBarProps {
  label: string;
  /** 0–100; null while the amount of work isn't known yet (shown as an animated bar). */
  percent: number | null;
  /** Read out instead of the bare percentage, e.g. "1,200 of 5,000 rows". */
  valueText?: string;
  showLabel?: boolean;
  tone?: 'accent' | 'success' | 'danger';
}

export function ProgressBar({ label, percent, valueText, showLabel = true, tone = 'accent' }: ProgressBarProps) {
  const value = percent === null ? 0 : Math.max(0, Math.min(100, Math.round(percent)));
  return (
    <div className="progress-field">
      {showLabel && (
        <div className="progress-label-row">
          <span className="progress-label">{label}</span>
          <span className="progress-value">{percent === null ? valueText ?? 'Starting…' : `${value}%`}</span>
        </div>
      )}
      <div
        className={['progress', `progress-${tone}`, percent === null && 'progress-indeterminate'].filter(Boolean).join(' ')}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={value}
        aria-valuetext={valueText ?? (percent === null ? 'Starting' : `${value}%`)}
      >
        <span className="progress-bar" style={percent === null ? undefined : { width: `${value}%` }} />
      </div>
    </div>
  );
}
