import type { ReactNode, TableHTMLAttributes } from 'react';
import { Icon } from './Icon';
import { Skeleton } from './Skeleton';

interface TableProps extends TableHTMLAttributes<HTMLTableElement> {
  /** The rows are the previous filter's, kept on screen while the new ones load: dimmed and marked busy. */
  stale?: boolean;
}

/** Wide tables scroll horizontally inside their card instead of breaking the layout on phones. */
export function Table({ className, stale, children, ...rest }: TableProps) {
  return (
    <div className="table-scroll">
      <table className={['table', stale && 'table-stale', className].filter(Boolean).join(' ')} aria-busy={stale || undefined} {...rest}>
        {children}
      </table>
    </div>
  );
}

export function TableSkeleton({ columns, rows = 4, label }: { columns: number; rows?: number; label: string }) {
  return (
    <div className="table-scroll" role="status" aria-label={label}>
      {/* Placeholder rows are decoration: hidden so tests and screen readers never mistake them for data. */}
      <table className="table" aria-hidden="true">
        <tbody>
          {Array.from({ length: rows }, (_, r) => (
            <tr key={r}>
              {Array.from({ length: columns }, (_, c) => (
                <td key={c}>
                  <Skeleton width={c === 0 ? '70%' : '50%'} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The header cell over a row-actions column: named for screen readers, empty on screen. */
export function ActionsHeader() {
  return (
    <th scope="col">
      <span className="visually-hidden">Actions</span>
    </th>
  );
}

export function TableActions({ children }: { children: ReactNode }) {
  return <div className="table-actions">{children}</div>;
}

interface SortHeaderProps {
  label: string;
  /** Set when the table is sorted by this column. */
  direction: 'asc' | 'desc' | null;
  onSort: () => void;
  className?: string;
}

/** A column header that sorts on click; the current order is exposed through aria-sort. */
export function SortHeader({ label, direction, onSort, className }: SortHeaderProps) {
  return (
    <th
      scope="col"
      className={className}
      aria-sort={direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : undefined}
    >
      <button type="button" className={direction ? 'sort-button sort-button-active' : 'sort-button'} onClick={onSort}>
        {label}
        <Icon name={direction === 'asc' ? 'arrowUp' : direction === 'desc' ? 'arrowDown' : 'chevronsUpDown'} size={12} />
      </button>
    </th>
  );
}
