import { useMemo } from 'react';
import { Button } from '../ui/Button';
import { Card, CardBody, CardHeader } from '../ui/Card';
import { Checkbox } from '../ui/Checkbox';
import { SelectField, TextField } from '../ui/Field';
import { Icon } from '../ui/Icon';
import type { CampaignDraft, DraftErrors } from './campaignDraft';
import { formatMinute, WEEKDAYS } from './campaignDisplay';
import { browserTimeZone, timeZoneOptions } from './timeZones';

type ScheduleFields = Pick<CampaignDraft, 'timezone' | 'days' | 'startMinute' | 'endMinute' | 'useContactTimezone' | 'startDate' | 'dailyNewLimit'>;

interface ScheduleSectionProps {
  value: ScheduleFields;
  errors: DraftErrors;
  disabled: boolean;
  onChange: (patch: Partial<ScheduleFields>, field: string) => void;
}

const STEP = 30;
const startOptions = Array.from({ length: 1440 / STEP }, (_, i) => i * STEP).map((m) => ({ value: String(m), label: formatMinute(m) }));
const endOptions = Array.from({ length: 1440 / STEP }, (_, i) => (i + 1) * STEP).map((m) => ({ value: String(m), label: m === 1440 ? '24:00 (midnight)' : formatMinute(m) }));

/** A value set through the API may be off the half-hour grid: it stays selectable. */
function withValue(options: { value: string; label: string }[], minute: number) {
  return options.some((o) => o.value === String(minute)) ? options : [...options, { value: String(minute), label: formatMinute(minute) }].sort((a, b) => Number(a.value) - Number(b.value));
}

export function ScheduleSection({ value, errors, disabled, onChange }: ScheduleSectionProps) {
  const zones = useMemo(() => timeZoneOptions(value.timezone), [value.timezone]);
  const local = browserTimeZone();
  const daysError = Object.entries(errors).find(([path]) => path === 'schedule.days' || path.startsWith('schedule.days.'))?.[1];

  return (
    <div className="stack">
      <Card aria-labelledby="schedule-window-title">
        <CardHeader titleId="schedule-window-title" title="Sending window" description="Emails go out only on these days, between these times." />
        <CardBody className="form">
          <SelectField
            label="Time zone"
            value={value.timezone}
            disabled={disabled}
            error={errors['schedule.timezone']}
            hint={value.timezone !== local ? `Your browser is in ${local}.` : undefined}
            labelAside={
              value.timezone !== local && !disabled ? (
                <button type="button" className="field-aside-link" onClick={() => onChange({ timezone: local }, 'schedule.timezone')}>
                  Use {local}
                </button>
              ) : undefined
            }
            onChange={(event) => onChange({ timezone: event.target.value }, 'schedule.timezone')}
            options={zones.map((zone) => ({ value: zone, label: zone.replace(/_/g, ' ') }))}
          />
          <div className="weekday-group">
            <span className="field-label" id="weekday-label">
              Days
            </span>
            <div className="weekday-options" role="group" aria-labelledby="weekday-label">
              {WEEKDAYS.map(({ day, short, long }) => {
                const on = value.days.includes(day);
                return (
                  <button
                    key={day}
                    type="button"
                    className={on ? 'weekday weekday-on' : 'weekday'}
                    aria-pressed={on}
                    aria-label={long}
                    disabled={disabled}
                    onClick={() => onChange({ days: on ? value.days.filter((d) => d !== day) : [...value.days, day].sort((a, b) => a - b) }, 'schedule.days')}
                  >
                    {short}
                  </button>
                );
              })}
            </div>
            {daysError && (
              <p className="field-error">
                <Icon name="alert" size={14} />
                <span>{daysError}</span>
              </p>
            )}
          </div>
          <div className="form-grid">
            <SelectField
              label="From"
              value={String(value.startMinute)}
              disabled={disabled}
              error={errors['schedule.startMinute']}
              onChange={(event) => onChange({ startMinute: Number(event.target.value) }, 'schedule.startMinute')}
              options={withValue(startOptions, value.startMinute)}
            />
            <SelectField
              label="Until"
              value={String(value.endMinute)}
              disabled={disabled}
              error={errors['schedule.endMinute']}
              onChange={(event) => onChange({ endMinute: Number(event.target.value) }, 'schedule.endMinute')}
              options={withValue(endOptions, value.endMinute)}
            />
          </div>
          <Checkbox
            label="Use each contact's time zone"
            description="Send within these hours in the contact's own time zone when it is known; the zone above applies to everyone else."
            checked={value.useContactTimezone}
            disabled={disabled}
            onChange={(event) => onChange({ useContactTimezone: event.target.checked }, 'schedule.useContactTimezone')}
          />
        </CardBody>
      </Card>
      <Card aria-labelledby="schedule-pace-title">
        <CardHeader titleId="schedule-pace-title" title="Start and pace" />
        <CardBody className="form">
          <div className="form-grid">
            <TextField
              label="Start date"
              type="date"
              value={value.startDate}
              disabled={disabled}
              error={errors['schedule.startAt']}
              hint={value.startDate ? `From midnight in ${value.timezone}.` : 'Empty: sending starts at launch.'}
              labelAside={
                value.startDate && !disabled ? (
                  <Button size="sm" variant="ghost" className="field-aside-link" onClick={() => onChange({ startDate: '' }, 'schedule.startAt')}>
                    Clear
                  </Button>
                ) : undefined
              }
              onChange={(event) => onChange({ startDate: event.target.value }, 'schedule.startAt')}
            />
            <TextField
              label="New contacts per day"
              type="number"
              inputMode="numeric"
              min={1}
              placeholder="No limit"
              value={value.dailyNewLimit}
              disabled={disabled}
              error={errors.dailyNewLimit}
              hint="How many contacts start the sequence each day; follow-ups don't count. Empty: no limit beyond the accounts' own."
              onChange={(event) => onChange({ dailyNewLimit: event.target.value }, 'dailyNewLimit')}
            />
          </div>
        </CardBody>
      </Card>
    </div>
  );
}
