import { startOAuthConnect } from '../../api/senders';
import { buttonClassName } from '../ui/Button';
import { DropdownMenu, MenuItem } from '../ui/DropdownMenu';
import { Icon } from '../ui/Icon';

/** "Add account": Gmail and Microsoft 365 leave for the provider's sign-in; SMTP opens a form. */
export function AddAccountMenu({ onSmtp }: { onSmtp: () => void }) {
  return (
    <DropdownMenu
      align="end"
      trigger={(props) => (
        <button type="button" className={buttonClassName('primary')} {...props}>
          <Icon name="plus" />
          <span>Add account</span>
          <Icon name="chevronDown" />
        </button>
      )}
    >
      <MenuItem icon="mail" description="Sign in with Google" onSelect={() => startOAuthConnect('google')}>
        Connect Gmail
      </MenuItem>
      <MenuItem icon="mail" description="Sign in with Microsoft" onSelect={() => startOAuthConnect('microsoft')}>
        Connect Microsoft 365
      </MenuItem>
      <MenuItem icon="send" description="Any other mail server" onSelect={onSmtp}>
        SMTP / IMAP
      </MenuItem>
    </DropdownMenu>
  );
}

/** The same three choices as buttons, for the empty state. */
export function ConnectOptions({ onSmtp }: { onSmtp: () => void }) {
  return (
    <div className="connect-options">
      <button type="button" className="connect-option" onClick={() => startOAuthConnect('google')}>
        <Icon name="mail" size={20} />
        <span className="connect-option-title">Connect Gmail</span>
        <span className="connect-option-description">Google Workspace or Gmail, via Google sign-in.</span>
      </button>
      <button type="button" className="connect-option" onClick={() => startOAuthConnect('microsoft')}>
        <Icon name="mail" size={20} />
        <span className="connect-option-title">Connect Microsoft 365</span>
        <span className="connect-option-description">Outlook and Microsoft 365, via Microsoft sign-in.</span>
      </button>
      <button type="button" className="connect-option" onClick={onSmtp}>
        <Icon name="send" size={20} />
        <span className="connect-option-title">SMTP / IMAP</span>
        <span className="connect-option-description">Any other mailbox, with its server details.</span>
      </button>
    </div>
  );
}
