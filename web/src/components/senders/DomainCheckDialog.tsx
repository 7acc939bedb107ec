import { useState } from 'react';
import { useDomainCheck, type DnsRecordCheck, type Sender } from '../../api/senders';
import { Alert } from '../ui/Alert';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import { ErrorState } from '../ui/ErrorState';
import { TextField } from '../ui/Field';
import { Skeleton } from '../ui/Skeleton';

interface DomainCheckDialogProps {
  workspaceId: string;
  sender: Sender;
  onClose: () => void;
}

const SELECTOR = /^[A-Za-z0-9._-]{1,63}$/;

function RecordRow({ name, check }: { name: string; check: DnsRecordCheck }) {
  const pass = check.status === 'pass';
  return (
    <li className={pass ? 'check-item check-item-pass' : 'check-item check-item-fail'}>
      <div className="check-text">
        <p className="check-name">
          {name} <Badge tone={pass ? 'success' : 'danger'}>{pass ? 'Pass' : 'Fail'}</Badge>
        </p>
        <p className="check-summary">{check.detail}</p>
        {check.record ? <pre className="check-detail">{check.record}</pre> : <p className="muted">No record found.</p>}
      </div>
    </li>
  );
}

/** Mount only while open. */
export function DomainCheckDialog({ workspaceId, sender, onClose }: DomainCheckDialogProps) {
  const [selectorInput, setSelectorInput] = useState(sender.dkim?.selector ?? '');
  const [selector, setSelector] = useState(sender.dkim?.selector ?? '');
  const check = useDomainCheck(workspaceId, sender.id, selector);
  const selectorError = selectorInput.trim() && !SELECTOR.test(selectorInput.trim()) ? 'Use letters, digits, dots, dashes or underscores.' : undefined;

  function recheck() {
    const next = selectorInput.trim();
    if (selectorError) return;
    if (next === selector) void check.refetch();
    else setSelector(next);
  }

  const data = check.data;
  const allPass = data && [data.spf, data.dkim, data.dmarc].every((r) => r.status === 'pass');

  return (
    <Dialog
      open
      onClose={onClose}
      title="Domain check"
      description={`SPF, DKIM and DMARC records of ${data?.domain ?? sender.settings.sendingDomain ?? sender.email.split('@')[1]}, looked up live in DNS.`}
      onSubmit={(event) => {
        event.preventDefault();
        recheck();
      }}
      footer={
        <Button variant="primary" onClick={onClose}>
          Done
        </Button>
      }
    >
      <div className="sender-selector-row">
        <TextField
          label="DKIM selector"
          value={selectorInput}
          onChange={(e) => setSelectorInput(e.target.value)}
          error={selectorError}
          hint={data?.selector ? `Checked: ${data.selector}._domainkey.${data.domain}` : 'Leave blank to use the default for this provider.'}
          autoComplete="off"
        />
        <Button type="submit" icon="refresh" loading={check.isFetching}>
          Check again
        </Button>
      </div>
      {check.isPending ? (
        <div role="status" aria-label="Checking DNS records" className="sender-check-loading">
          <Skeleton height={56} />
          <Skeleton height={56} />
          <Skeleton height={56} />
        </div>
      ) : check.isError ? (
        <ErrorState title="Couldn't check the domain" error={check.error} onRetry={() => void check.refetch()} retrying={check.isFetching} />
      ) : (
        <>
          <Alert tone={allPass ? 'success' : 'warning'} title={allPass ? 'The domain is set up for sending' : 'Fix the failing records to keep emails out of spam'} />
          <ul className="check-list" aria-label="DNS records">
            <RecordRow name="SPF" check={check.data.spf} />
            <RecordRow name="DKIM" check={check.data.dkim} />
            <RecordRow name="DMARC" check={check.data.dmarc} />
          </ul>
        </>
      )}
    </Dialog>
  );
}
