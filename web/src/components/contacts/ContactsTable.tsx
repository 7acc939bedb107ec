import { Link } from '@tanstack/react-router';
import type { Contact, ContactSort, SortOrder } from '../../api/types';
import { formatDate, formatDateTime } from '../../lib/format';
import { Badge } from '../ui/Badge';
import { Checkbox } from '../ui/Checkbox';
import { SortHeader, Table } from '../ui/Table';
import { ContactStatusBadge, TagList } from './ContactStatusBadge';

interface ContactsTableProps {
  contacts: Contact[];
  sort: ContactSort;
  order: SortOrder;
  onSort: (sort: ContactSort) => void;
  isSelected: (id: string) => boolean;
  onToggle: (id: string, selected: boolean) => void;
  /** State of the header box: every loaded row, some, or none. */
  pageSelection: 'all' | 'some' | 'none';
  onTogglePage: (selected: boolean) => void;
  /** Rows from the previous filter, shown while the new ones load. */
  stale?: boolean;
}

const columns: { key: ContactSort; label: string }[] = [
  { key: 'email', label: 'Email' },
  { key: 'firstName', label: 'First name' },
  { key: 'lastName', label: 'Last name' },
  { key: 'company', label: 'Company' },
];

export function ContactsTable({ contacts, sort, order, onSort, isSelected, onToggle, pageSelection, onTogglePage, stale }: ContactsTableProps) {
  const direction = (key: ContactSort) => (sort === key ? order : null);
  return (
    <Table aria-label="Contacts" stale={stale} className="contacts-table">
      <thead>
        <tr>
          <th scope="col" className="cell-checkbox">
            <Checkbox
              hideLabel
              label="Select all contacts on this page"
              checked={pageSelection === 'all'}
              indeterminate={pageSelection === 'some'}
              onChange={(event) => onTogglePage(event.target.checked)}
            />
          </th>
          {columns.map((column) => (
            <SortHeader key={column.key} label={column.label} direction={direction(column.key)} onSort={() => onSort(column.key)} />
          ))}
          <th scope="col">Tags</th>
          <th scope="col">Status</th>
          <SortHeader label="Created" direction={direction('createdAt')} onSort={() => onSort('createdAt')} />
        </tr>
      </thead>
      <tbody>
        {contacts.map((contact) => {
          const erased = contact.status === 'erased' || !contact.email;
          const selected = isSelected(contact.id);
          return (
            <tr key={contact.id} className={[selected && 'row-selected', erased && 'row-muted'].filter(Boolean).join(' ') || undefined}>
              <td className="cell-checkbox">
                <Checkbox
                  hideLabel
                  label={`Select ${contact.email ?? 'erased contact'}`}
                  // Erased contacts are anonymous tombstones; no bulk action applies to them.
                  disabled={erased}
                  checked={selected && !erased}
                  onChange={(event) => onToggle(contact.id, event.target.checked)}
                />
              </td>
              <td className="cell-email">
                {erased ? (
                  <span className="muted">Erased contact</span>
                ) : (
                  <span className="cell-email-inner">
                    <Link to="/contacts/$contactId" params={{ contactId: contact.id }} className="contact-link">
                      {contact.email}
                    </Link>
                    {contact.isRoleAddress && (
                      <span title="A role address (info@, sales@…) reaches a team, not a person.">
                        <Badge tone="warning">Role</Badge>
                      </span>
                    )}
                  </span>
                )}
              </td>
              <td>{contact.firstName ?? <span className="muted">—</span>}</td>
              <td>{contact.lastName ?? <span className="muted">—</span>}</td>
              <td>{contact.company ?? <span className="muted">—</span>}</td>
              <td>
                <TagList tags={contact.tags} />
              </td>
              <td>
                <ContactStatusBadge status={contact.status} />
              </td>
              <td className="muted nowrap">
                <time dateTime={contact.createdAt} title={formatDateTime(contact.createdAt)}>
                  {formatDate(contact.createdAt)}
                </time>
              </td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}
