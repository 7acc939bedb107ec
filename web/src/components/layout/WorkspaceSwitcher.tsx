import { useState } from 'react';
import { errorMessage } from '../../api/errors';
import { useSession } from '../../api/me';
import { useSwitchWorkspace } from '../../api/workspaces';
import { roleLabel } from '../../lib/permissions';
import { Avatar } from '../ui/Avatar';
import { DropdownMenu, MenuItem, MenuLabel, MenuSeparator } from '../ui/DropdownMenu';
import { Icon } from '../ui/Icon';
import { Spinner } from '../ui/Spinner';
import { useToast } from '../ui/Toast';
import { CreateWorkspaceDialog } from './CreateWorkspaceDialog';

export function WorkspaceSwitcher() {
  const { me, workspace } = useSession();
  const switchWorkspace = useSwitchWorkspace();
  const toast = useToast();
  const [creating, setCreating] = useState(false);

  function select(id: string, name: string) {
    if (id === workspace?.id) return;
    switchWorkspace.mutate(id, {
      onSuccess: () => toast.success(`Switched to ${name}`),
      onError: (error) => toast.error(`Couldn't switch to ${name}`, errorMessage(error)),
    });
  }

  const current = workspace?.name ?? 'No workspace';

  return (
    <>
      <DropdownMenu
        className="workspace-switcher"
        trigger={(props) => (
          <button
            type="button"
            className="workspace-trigger"
            aria-label={`Switch workspace (current: ${current})`}
            {...props}
          >
            <Avatar name={current} seed={workspace?.id} square />
            <span className="workspace-trigger-text">
              <span className="workspace-trigger-name">{current}</span>
              {workspace && <span className="workspace-trigger-role">{roleLabel[workspace.role]}</span>}
            </span>
            {switchWorkspace.isPending ? <Spinner size="sm" /> : <Icon name="chevronsUpDown" className="workspace-trigger-icon" />}
          </button>
        )}
      >
        <MenuLabel>Workspaces</MenuLabel>
        {me.workspaces.map((w) => (
          <MenuItem key={w.id} checked={w.id === workspace?.id} description={roleLabel[w.role]} onSelect={() => select(w.id, w.name)}>
            {w.name}
          </MenuItem>
        ))}
        <MenuSeparator />
        <MenuItem icon="plus" onSelect={() => setCreating(true)}>
          Create workspace
        </MenuItem>
      </DropdownMenu>
      {creating && <CreateWorkspaceDialog onClose={() => setCreating(false)} />}
    </>
  );
}
