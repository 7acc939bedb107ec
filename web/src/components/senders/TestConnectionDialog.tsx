import { useEffect, useRef } from 'react';
import { errorMessage } from '../../api/errors';
import { useTestSender, type Sender } from '../../api/senders';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import { Icon } from '../ui/Icon';
import { Spinner } from '../ui/Spinner';

interface TestConnectionDialogProps {
  workspaceId: string;
  sender: Sender;
  /** Shown above the result, e.g. "Account connected" right after adding it. */
  intro?: string;
  onClose: () => void;
}

/** Runs the test as soon as it opens; mount only while open. */
export function TestConnectionDialog({ workspaceId, sender, intro, onClose }: TestConnectionDialogProps) {
  const test = useTestSender(workspaceId);
  const started = useRef(false);
  const { mutate } = test;

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    mutate(sender.id);
  }, [mutate, sender.id]);

  const result = test.data;

  return (
    <Dialog
      open
      onClose={onClose}
      title="Test connection"
      description={`Logs in to the servers of ${sender.email} with the saved credentials and shows each server's answer.`}
      footer={
        <>
          <Button onClick={() => test.mutate(sender.id)} loading={test.isPending} icon="refresh">
            Test again
          </Button>
          <Button variant="primary" onClick={onClose}>
            Done
          </Button>
        </>
      }
    >
      {intro && <Alert tone="success">{intro}</Alert>}
      {test.isPending ? (
        <div className="sender-test-pending" role="status">
          <Spinner size="sm" />
          <span>Connecting to the servers… this can take a few seconds.</span>
        </div>
      ) : test.isError ? (
        <Alert tone="danger" title="The test couldn't run">
          {errorMessage(test.error)}
        </Alert>
      ) : result ? (
        <>
          <Alert tone={result.ok ? 'success' : 'danger'} title={result.ok ? 'All checks passed' : 'Some checks failed'}>
            {result.ok ? 'This account is ready to send.' : 'Fix the settings below the failing check, then test again.'}
          </Alert>
          <ul className="check-list" aria-label="Connection checks">
            {result.checks.map((check) => (
              <li key={check.name} className={check.ok ? 'check-item check-item-pass' : 'check-item check-item-fail'}>
                <Icon name={check.ok ? 'checkCircle' : 'xCircle'} size={18} className="check-icon" />
                <div className="check-text">
                  <p className="check-name">
                    {check.name} <span className="visually-hidden">{check.ok ? 'passed' : 'failed'}</span>
                  </p>
                  <pre className="check-detail">{check.detail}</pre>
                </div>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Dialog>
  );
}
