import { useId, type ReactNode } from 'react';
import type { ContactList, CustomField } from '../../api/types';
import { CONTACT_STATUSES, statusLabel } from '../contacts/contactDisplay';
import { Button } from '../ui/Button';
import { Icon } from '../ui/Icon';
import {
  emptyGroup,
  emptyRule,
  ENGAGEMENT_EVENTS,
  operatorsFor,
  ruleFor,
  TEXT_FIELDS,
  valueKind,
  withOperator,
  type ConditionDraft,
  type GroupDraft,
  type RuleDraft,
} from './conditionModel';

export interface BuilderContext {
  fields: CustomField[];
  lists: ContactList[];
  tags: string[];
  errors: Record<string, string>;
  showErrors: boolean;
  disabled: boolean;
}

/** A select with a visually hidden label, for dense rows where the row itself explains the column. */
function LabelledSelect({ label, value, onChange, disabled, invalid, children, className }: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  disabled?: boolean;
  invalid?: boolean;
  children: ReactNode;
  className?: string;
}) {
  const id = useId();
  return (
    <span className={['condition-control', className].filter(Boolean).join(' ')}>
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <select
        id={id}
        className="input select"
        value={value}
        disabled={disabled}
        aria-invalid={invalid || undefined}
        onChange={(event) => onChange(event.target.value)}
      >
        {children}
      </select>
    </span>
  );
}

function LabelledInput({ label, value, onChange, type = 'text', disabled, invalid, placeholder, list, suffix, min, max, className }: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'number' | 'date';
  disabled?: boolean;
  invalid?: boolean;
  placeholder?: string;
  list?: string;
  suffix?: string;
  min?: number;
  max?: number;
  className?: string;
}) {
  const id = useId();
  return (
    <span className={['condition-control', suffix && 'condition-control-suffixed', className].filter(Boolean).join(' ')}>
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <input
        id={id}
        className="input"
        type={type}
        value={value}
        min={min}
        max={max}
        step={type === 'number' ? 'any' : undefined}
        placeholder={placeholder}
        list={list}
        autoComplete="off"
        disabled={disabled}
        aria-invalid={invalid || undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      {suffix && (
        <span className="condition-suffix" aria-hidden="true">
          {suffix}
        </span>
      )}
    </span>
  );
}

function FieldOptions({ fields }: { fields: CustomField[] }) {
  return (
    <>
      <optgroup label="Contact">
        {TEXT_FIELDS.map((field) => (
          <option key={field.key} value={`text:${field.key}`}>
            {field.label}
          </option>
        ))}
        <option value="status">Status</option>
        <option value="tag">Tag</option>
      </optgroup>
      <optgroup label="Dates">
        <option value="date:createdAt">Created date</option>
        <option value="date:updatedAt">Last updated</option>
      </optgroup>
      {fields.length > 0 && (
        <optgroup label="Custom fields">
          {fields.map((field) => (
            <option key={field.key} value={`custom:${field.key}`}>
              {field.label}
            </option>
          ))}
        </optgroup>
      )}
      <optgroup label="Activity and lists">
        <option value="engagement">Engagement</option>
        <option value="list">List membership</option>
      </optgroup>
    </>
  );
}

function RuleRow({ rule, label, ctx, onChange, onRemove }: { rule: RuleDraft; label: string; ctx: BuilderContext; onChange: (rule: RuleDraft) => void; onRemove: () => void }) {
  const name = `Condition ${label}`;
  const error = ctx.showErrors ? ctx.errors[rule.uid] : undefined;
  const kind = valueKind(rule, ctx.fields);
  const invalid = Boolean(error);
  const set = (value: string) => onChange({ ...rule, value });
  const knownField = rule.field.startsWith('custom:') && !ctx.fields.some((f) => `custom:${f.key}` === rule.field);

  let valueControl: ReactNode = null;
  switch (kind) {
    case 'text':
      valueControl = <LabelledInput label={`${name} value`} value={rule.value} onChange={set} invalid={invalid} disabled={ctx.disabled} placeholder="Value" />;
      break;
    case 'list-text':
      valueControl = <LabelledInput label={`${name} value`} value={rule.value} onChange={set} invalid={invalid} disabled={ctx.disabled} placeholder="a@x.com, b@y.com" />;
      break;
    case 'number':
      valueControl = <LabelledInput label={`${name} value`} type="number" value={rule.value} onChange={set} invalid={invalid} disabled={ctx.disabled} placeholder="0" />;
      break;
    case 'date':
      valueControl = <LabelledInput label={`${name} value`} type="date" value={rule.value} onChange={set} invalid={invalid} disabled={ctx.disabled} />;
      break;
    case 'days':
      valueControl = (
        <LabelledInput
          label={`${name} value`}
          type="number"
          min={0}
          max={36500}
          value={rule.value}
          onChange={set}
          invalid={invalid}
          disabled={ctx.disabled}
          suffix={rule.op === 'older_than_days' ? 'days ago' : 'days'}
        />
      );
      break;
    case 'status':
      valueControl = (
        <LabelledSelect label={`${name} value`} value={rule.value} onChange={set} invalid={invalid} disabled={ctx.disabled}>
          {CONTACT_STATUSES.filter((s) => s !== 'erased').map((status) => (
            <option key={status} value={status}>
              {statusLabel[status]}
            </option>
          ))}
        </LabelledSelect>
      );
      break;
    case 'tag':
      valueControl = (
        <LabelledInput label={`${name} value`} value={rule.value} onChange={set} invalid={invalid} disabled={ctx.disabled} placeholder="Tag" list="segment-tag-suggestions" />
      );
      break;
    case 'event':
      valueControl = (
        <>
          <LabelledSelect label={`${name} value`} value={rule.value} onChange={set} invalid={invalid} disabled={ctx.disabled}>
            {ENGAGEMENT_EVENTS.map((event) => (
              <option key={event.value} value={event.value}>
                {event.label}
              </option>
            ))}
          </LabelledSelect>
          <span className="condition-inline">
            <span className="condition-inline-text" aria-hidden="true">
              in the last
            </span>
            <LabelledInput
              label={`${name} within days`}
              type="number"
              min={1}
              max={3650}
              value={rule.days}
              onChange={(days) => onChange({ ...rule, days })}
              disabled={ctx.disabled}
              placeholder="any time"
              suffix="days"
              className="condition-days"
            />
          </span>
        </>
      );
      break;
    case 'list':
      valueControl = (
        <LabelledSelect label={`${name} value`} value={rule.value} onChange={set} invalid={invalid} disabled={ctx.disabled}>
          <option value="">Choose a list…</option>
          {ctx.lists.map((list) => (
            <option key={list.id} value={list.id}>
              {list.name}
            </option>
          ))}
          {rule.value && !ctx.lists.some((l) => l.id === rule.value) && <option value={rule.value}>Unknown list</option>}
        </LabelledSelect>
      );
      break;
    case 'none':
      break;
  }

  return (
    <div className={invalid ? 'condition-row condition-row-invalid' : 'condition-row'}>
      <div className="condition-controls">
        <LabelledSelect
          label={`${name} field`}
          value={rule.field}
          disabled={ctx.disabled}
          onChange={(field) => onChange(ruleFor(field, ctx.fields, rule.uid))}
          className="condition-field"
        >
          <FieldOptions fields={ctx.fields} />
          {knownField && <option value={rule.field}>{rule.field.slice('custom:'.length)} (deleted field)</option>}
        </LabelledSelect>
        <LabelledSelect
          label={`${name} operator`}
          value={rule.op}
          disabled={ctx.disabled}
          onChange={(op) => onChange(withOperator(rule, op, ctx.fields))}
          className="condition-operator"
        >
          {operatorsFor(rule.field, ctx.fields).map((op) => (
            <option key={op.value} value={op.value}>
              {op.label}
            </option>
          ))}
        </LabelledSelect>
        {valueControl}
      </div>
      <button type="button" className="icon-button condition-remove" onClick={onRemove} disabled={ctx.disabled}>
        <Icon name="trash" />
        <span className="visually-hidden">Remove condition {label}</span>
      </button>
      {error && (
        <p className="field-error condition-error">
          <Icon name="alert" size={14} />
          <span>{error}</span>
        </p>
      )}
    </div>
  );
}

function Joiner({ match }: { match: 'all' | 'any' }) {
  return (
    <div className="condition-joiner" aria-hidden="true">
      <span>{match === 'all' ? 'and' : 'or'}</span>
    </div>
  );
}

interface ConditionListProps {
  drafts: ConditionDraft[];
  match: 'all' | 'any';
  /** Row label prefix: "" at the top ("1", "2"), "2." inside group 2. */
  prefix: string;
  ctx: BuilderContext;
  onChange: (drafts: ConditionDraft[]) => void;
}

function ConditionList({ drafts, match, prefix, ctx, onChange }: ConditionListProps) {
  const replace = (index: number, next: ConditionDraft) => onChange(drafts.map((d, i) => (i === index ? next : d)));
  const remove = (index: number) => onChange(drafts.filter((_, i) => i !== index));
  return (
    <div className="condition-list">
      {drafts.map((draft, index) => {
        const label = `${prefix}${index + 1}`;
        return (
          <div key={draft.uid}>
            {index > 0 && <Joiner match={match} />}
            {draft.kind === 'group' ? (
              <GroupBlock group={draft} label={label} ctx={ctx} onChange={(next) => replace(index, next)} onRemove={() => remove(index)} />
            ) : (
              <RuleRow rule={draft} label={label} ctx={ctx} onChange={(next) => replace(index, next)} onRemove={() => remove(index)} />
            )}
          </div>
        );
      })}
    </div>
  );
}

function GroupBlock({ group, label, ctx, onChange, onRemove }: { group: GroupDraft; label: string; ctx: BuilderContext; onChange: (group: GroupDraft) => void; onRemove: () => void }) {
  const error = ctx.showErrors ? ctx.errors[group.uid] : undefined;
  return (
    <div className="condition-group" role="group" aria-label={`Group ${label}`}>
      <div className="condition-group-header">
        <span className="condition-group-sentence">
          <span>Match</span>
          <LabelledSelect
            label={`Group ${label} match`}
            value={group.match}
            disabled={ctx.disabled}
            onChange={(match) => onChange({ ...group, match: match as 'all' | 'any' })}
            className="condition-match"
          >
            <option value="any">any</option>
            <option value="all">all</option>
          </LabelledSelect>
          <span>of these</span>
        </span>
        <Button size="sm" variant="ghost" icon="trash" onClick={onRemove} disabled={ctx.disabled}>
          Remove group<span className="visually-hidden"> {label}</span>
        </Button>
      </div>
      <ConditionList drafts={group.children} match={group.match} prefix={`${label}.`} ctx={ctx} onChange={(children) => onChange({ ...group, children })} />
      {error && (
        <p className="field-error">
          <Icon name="alert" size={14} />
          <span>{error}</span>
        </p>
      )}
      <div className="condition-add">
        <Button size="sm" variant="ghost" icon="plus" onClick={() => onChange({ ...group, children: [...group.children, emptyRule()] })} disabled={ctx.disabled}>
          Add to group<span className="visually-hidden"> {label}</span>
        </Button>
      </div>
    </div>
  );
}

interface ConditionBuilderProps {
  match: 'all' | 'any';
  onMatchChange: (match: 'all' | 'any') => void;
  drafts: ConditionDraft[];
  onChange: (drafts: ConditionDraft[]) => void;
  ctx: BuilderContext;
}

export function ConditionBuilder({ match, onMatchChange, drafts, onChange, ctx }: ConditionBuilderProps) {
  return (
    <div className="condition-builder">
      <div className="condition-sentence">
        <span>Contacts that match</span>
        <LabelledSelect label="Match" value={match} disabled={ctx.disabled} onChange={(value) => onMatchChange(value as 'all' | 'any')} className="condition-match">
          <option value="all">all</option>
          <option value="any">any</option>
        </LabelledSelect>
        <span>of the following conditions</span>
      </div>
      {drafts.length === 0 ? (
        <p className="condition-empty">No conditions yet: this segment includes every contact.</p>
      ) : (
        <ConditionList drafts={drafts} match={match} prefix="" ctx={ctx} onChange={onChange} />
      )}
      <div className="condition-add">
        <Button size="sm" icon="plus" onClick={() => onChange([...drafts, emptyRule()])} disabled={ctx.disabled}>
          Add condition
        </Button>
        <Button size="sm" variant="ghost" icon="layers" onClick={() => onChange([...drafts, emptyGroup()])} disabled={ctx.disabled}>
          Add group
        </Button>
      </div>
      <datalist id="segment-tag-suggestions">
        {ctx.tags.map((tag) => (
          <option key={tag} value={tag} />
        ))}
      </datalist>
    </div>
  );
}
