import type { CreatedApiKey } from '../../api/types';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { CopyButton } from '../ui/CopyButton';
import { Dialog } from '../ui/Dialog';

/** The only place the full secret is ever shown; the server keeps just a hash. */
export function NewApiKeyDialog({ apiKey, onClose }: { apiKey: CreatedApiKey; onClose: () => void }) {
  return (
    <Dialog
      open
      onClose={onClose}
      title="Copy your new API key"
      description={`“${apiKey.name}” is ready to use.`}
      footer={
        <Button variant="primary" onClick={onClose}>
          Done
        </Button>
      }
    >
      <Alert tone="warning" title="You won't see this key again">
        Copy it now and store it somewhere safe, like a password manager. If you lose it, revoke it and create a new one.
      </Alert>
      <div className="secret-box">
        <code className="secret-value" data-testid="new-api-key">
          {apiKey.key}
        </code>
        <CopyButton text={apiKey.key} label="Copy key" />
      </div>
    </Dialog>
  );
}
