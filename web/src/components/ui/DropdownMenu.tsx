import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import { Icon, type IconName } from './Icon';

interface MenuContextValue {
  close: (restoreFocus?: boolean) => void;
}

const MenuContext = createContext<MenuContextValue | null>(null);

export interface MenuTriggerProps {
  ref: RefObject<HTMLButtonElement | null>;
  id: string;
  'aria-haspopup': 'menu';
  'aria-expanded': boolean;
  'aria-controls': string;
  onClick: () => void;
  onKeyDown: (event: KeyboardEvent<HTMLButtonElement>) => void;
}

interface DropdownMenuProps {
  /** Renders the button that opens the menu; spread the props onto a <button>. */
  trigger: (props: MenuTriggerProps, open: boolean) => ReactNode;
  children: ReactNode;
  align?: 'start' | 'end';
  side?: 'bottom' | 'top';
  className?: string;
}

function menuItems(menu: HTMLElement | null): HTMLElement[] {
  if (!menu) return [];
  return Array.from(menu.querySelectorAll<HTMLElement>('[role^="menuitem"]:not([aria-disabled="true"])'));
}

/** WAI-ARIA menu button: arrow keys move, Escape closes and returns focus, outside clicks close. */
export function DropdownMenu({ trigger, children, align = 'start', side = 'bottom', className }: DropdownMenuProps) {
  const [open, setOpen] = useState(false);
  const [focusLast, setFocusLast] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const triggerId = useId();
  const menuId = useId();

  const close = useCallback((restoreFocus = true) => {
    setOpen(false);
    if (restoreFocus) triggerRef.current?.focus();
  }, []);

  useEffect(() => {
    if (!open) return;
    const items = menuItems(menuRef.current);
    const checked = items.find((item) => item.getAttribute('aria-checked') === 'true');
    (focusLast ? items[items.length - 1] : (checked ?? items[0]))?.focus();

    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) close(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open, focusLast, close]);

  function openMenu(atEnd = false) {
    setFocusLast(atEnd);
    setOpen(true);
  }

  function onTriggerKeyDown(event: KeyboardEvent<HTMLButtonElement>) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      openMenu(event.key === 'ArrowUp');
    }
  }

  function onMenuKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const items = menuItems(menuRef.current);
    const index = items.indexOf(document.activeElement as HTMLElement);
    const focusAt = (i: number) => items[(i + items.length) % items.length]?.focus();
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        focusAt(index + 1);
        break;
      case 'ArrowUp':
        event.preventDefault();
        focusAt(index - 1);
        break;
      case 'Home':
        event.preventDefault();
        focusAt(0);
        break;
      case 'End':
        event.preventDefault();
        focusAt(items.length - 1);
        break;
      case 'Escape':
        event.preventDefault();
        close();
        break;
      case 'Tab':
        close(false);
        break;
    }
  }

  return (
    <div className={['menu-root', className].filter(Boolean).join(' ')} ref={rootRef}>
      {trigger(
        {
          ref: triggerRef,
          id: triggerId,
          'aria-haspopup': 'menu',
          'aria-expanded': open,
          'aria-controls': menuId,
          onClick: () => (open ? close(false) : openMenu()),
          onKeyDown: onTriggerKeyDown,
        },
        open,
      )}
      {open && (
        <MenuContext.Provider value={{ close }}>
          <div
            ref={menuRef}
            id={menuId}
            role="menu"
            aria-labelledby={triggerId}
            className={`menu menu-${align} menu-${side}`}
            onKeyDown={onMenuKeyDown}
          >
            {children}
          </div>
        </MenuContext.Provider>
      )}
    </div>
  );
}

function useMenu(): MenuContextValue {
  const context = useContext(MenuContext);
  if (!context) throw new Error('Menu items must be inside <DropdownMenu>');
  return context;
}

interface MenuItemProps {
  onSelect: () => void;
  icon?: IconName;
  children: ReactNode;
  description?: ReactNode;
  /** Renders as a radio item (e.g. the current workspace). */
  checked?: boolean;
  tone?: 'default' | 'danger';
}

export function MenuItem({ onSelect, icon, children, description, checked, tone = 'default' }: MenuItemProps) {
  const { close } = useMenu();
  const descriptionId = useId();
  const isRadio = checked !== undefined;
  return (
    <button
      type="button"
      role={isRadio ? 'menuitemradio' : 'menuitem'}
      aria-checked={isRadio ? checked : undefined}
      // The description is kept out of the accessible name so items are found by their label alone.
      aria-describedby={description ? descriptionId : undefined}
      tabIndex={-1}
      className={`menu-item menu-item-${tone}`}
      onClick={() => {
        // Focus goes back to the trigger unless the action moves it somewhere else (a dialog, a page).
        close();
        onSelect();
      }}
    >
      {icon && <Icon name={icon} className="menu-item-icon" />}
      <span className="menu-item-text">
        <span className="menu-item-label">{children}</span>
        {description && (
          <span className="menu-item-description" id={descriptionId} aria-hidden="true">
            {description}
          </span>
        )}
      </span>
      {checked && <Icon name="check" className="menu-item-check" />}
    </button>
  );
}

export function MenuLabel({ children }: { children: ReactNode }) {
  return (
    <div className="menu-label" role="presentation">
      {children}
    </div>
  );
}

export function MenuSeparator() {
  return <div className="menu-separator" role="separator" />;
}
