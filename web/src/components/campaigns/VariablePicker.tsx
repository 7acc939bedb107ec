import type { CustomField } from '../../api/types';
import { buttonClassName } from '../ui/Button';
import { DropdownMenu, MenuItem, MenuLabel, MenuSeparator } from '../ui/DropdownMenu';
import { Icon } from '../ui/Icon';

export interface Variable {
  name: string;
  label: string;
  /** A fallback that reads naturally when the value is missing; none means the launch check flags gaps. */
  fallback?: string;
}

// The names the server renders with (lib/templates.ts contactVariables + the sending inbox).
const CONTACT_VARIABLES: Variable[] = [
  { name: 'first_name', label: 'First name', fallback: 'there' },
  { name: 'last_name', label: 'Last name' },
  { name: 'full_name', label: 'Full name', fallback: 'there' },
  { name: 'company', label: 'Company', fallback: 'your team' },
  { name: 'title', label: 'Job title' },
  { name: 'email', label: 'Email' },
  { name: 'phone', label: 'Phone' },
  { name: 'time_zone', label: 'Time zone' },
];

/** Variables of what sends the message: a campaign's inbox by default, a broadcast's page. */
export interface SourceVariables {
  label: string;
  variables: Variable[];
}

const SENDING_ACCOUNT: SourceVariables = {
  label: 'Sending account',
  variables: [
    { name: 'sender_name', label: 'Sender name' },
    { name: 'sender_email', label: 'Sender email' },
  ],
};

export function variableToken({ name, fallback }: { name: string; fallback?: string }): string {
  return fallback === undefined ? `{{ ${name} }}` : `{{ ${name} | default: "${fallback}" }}`;
}

/** "Insert variable": puts a Liquid token at the cursor of the field last edited. */
export function VariablePicker({ customFields, onInsert, disabled, source = SENDING_ACCOUNT }: { customFields: CustomField[]; onInsert: (token: string) => void; disabled?: boolean; source?: SourceVariables }) {
  const item = (variable: Variable) => {
    const token = variableToken(variable);
    return (
      <MenuItem key={variable.name} description={token} onSelect={() => onInsert(token)}>
        {variable.label}
      </MenuItem>
    );
  };
  return (
    <DropdownMenu
      className="variable-picker"
      trigger={(props) => (
        <button type="button" className={buttonClassName('secondary', 'sm')} disabled={disabled} {...props}>
          <Icon name="plus" />
          <span>Insert variable</span>
          <Icon name="chevronDown" />
        </button>
      )}
    >
      <MenuLabel>Contact</MenuLabel>
      {CONTACT_VARIABLES.map(item)}
      {customFields.length > 0 && (
        <>
          <MenuSeparator />
          <MenuLabel>Custom fields</MenuLabel>
          {customFields.map((field) => item({ name: field.key, label: field.label }))}
        </>
      )}
      <MenuSeparator />
      <MenuLabel>{source.label}</MenuLabel>
      {source.variables.map(item)}
    </DropdownMenu>
  );
}
