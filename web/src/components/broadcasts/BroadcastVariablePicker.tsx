import type { CustomField } from '../../api/types';
import { variableToken } from '../campaigns/VariablePicker';
import { buttonClassName } from '../ui/Button';
import { DropdownMenu, MenuItem, MenuLabel, MenuSeparator } from '../ui/DropdownMenu';
import { Icon } from '../ui/Icon';

interface Variable {
  name: string;
  label: string;
  fallback?: string;
}

// What a broadcast renders with on the server: the contact's variables plus the page's name.
const CONTACT_VARIABLES: Variable[] = [
  { name: 'first_name', label: 'First name', fallback: 'there' },
  { name: 'last_name', label: 'Last name' },
  { name: 'full_name', label: 'Full name', fallback: 'there' },
  { name: 'company', label: 'Company' },
  { name: 'email', label: 'Email' },
  { name: 'phone', label: 'Phone' },
];

const PAGE_VARIABLES: Variable[] = [{ name: 'page_name', label: 'Page name' }];

/** "Insert variable" for a Messenger broadcast: puts a Liquid token at the cursor of the message. */
export function BroadcastVariablePicker({ customFields, onInsert, disabled }: { customFields: CustomField[]; onInsert: (token: string) => void; disabled?: boolean }) {
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
      <MenuLabel>Page</MenuLabel>
      {PAGE_VARIABLES.map(item)}
    </DropdownMenu>
  );
}
