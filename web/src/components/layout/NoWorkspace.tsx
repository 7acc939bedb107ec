import { useState } from 'react';
import { Button } from '../ui/Button';
import { EmptyState } from '../ui/EmptyState';
import { CreateWorkspaceDialog } from './CreateWorkspaceDialog';

/** Shown instead of a page when the user has been removed from every workspace. */
export function NoWorkspace() {
  const [creating, setCreating] = useState(false);
  return (
    <div className="page">
      <EmptyState
        icon="users"
        title="You're not in any workspace"
        description="Create a workspace of your own, or ask a teammate to send you an invite."
        action={
          <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
            Create workspace
          </Button>
        }
      />
      {creating && <CreateWorkspaceDialog onClose={() => setCreating(false)} />}
    </div>
  );
}
