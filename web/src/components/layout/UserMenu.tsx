import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useLogout } from '../../api/auth';
import { useSession } from '../../api/me';
import { Avatar } from '../ui/Avatar';
import { DropdownMenu, MenuItem, MenuLabel, MenuSeparator } from '../ui/DropdownMenu';
import { Icon } from '../ui/Icon';

export function UserMenu() {
  const { user } = useSession();
  const logout = useLogout();
  const navigate = useNavigate();
  const queryClient = useQueryClient();

  function logOut() {
    logout.mutate(undefined, {
      // Leave the app even if the server call failed: the user asked to be signed out here.
      onSettled: async () => {
        await navigate({ to: '/login' });
        queryClient.removeQueries();
      },
    });
  }

  return (
    <DropdownMenu
      className="user-menu"
      side="top"
      trigger={(props) => (
        <button type="button" className="user-trigger" aria-label={`User menu (${user.name})`} {...props}>
          <Avatar name={user.name || user.email} seed={user.id} size="sm" />
          <span className="user-trigger-text">
            <span className="user-trigger-name">{user.name}</span>
            <span className="user-trigger-email">{user.email}</span>
          </span>
          <Icon name="chevronsUpDown" className="user-trigger-icon" />
        </button>
      )}
    >
      <MenuLabel>{user.email}</MenuLabel>
      <MenuItem icon="user" onSelect={() => void navigate({ to: '/profile' })}>
        Profile
      </MenuItem>
      <MenuSeparator />
      <MenuItem icon="logout" tone="danger" onSelect={logOut}>
        Log out
      </MenuItem>
    </DropdownMenu>
  );
}
