import { useState } from 'react';
import { Link } from '@tanstack/react-router';
import { useLaunchCheck, type LaunchCheck, type LaunchCheckKey } from '../../api/campaigns';
import { Alert } from '../ui/Alert';
import { Button, buttonClassName } from '../ui/Button';
import { Card, CardBody, CardFooter, CardHeader } from '../ui/Card';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { ErrorState } from '../ui/ErrorState';
import { Icon } from '../ui/Icon';
import { SkeletonText } from '../ui/Skeleton';
import { Table } from '../ui/Table';
import type { EditorSection } from './campaignDraft';
import { checkLabel } from './campaignDisplay';

/** Where each failed check is fixed: a tab of this editor, or another page. */
const FIX: Partial<Record<LaunchCheckKey, { section: EditorSection; label: string }>> = {
  senders: { section: 'senders', label: 'Choose accounts' },
  steps: { section: 'sequence', label: 'Edit sequence' },
  audience: { section: 'audience', label: 'Choose audience' },
  variables: { section: 'sequence', label: 'Edit sequence' },
};

function CheckFix({ check, onGoTo }: { check: LaunchCheck['checks'][number]; onGoTo: (section: EditorSection) => void }) {
  if (check.ok) return null;
  if (check.key === 'postal_address') {
    return (
      <Link to="/settings" className={buttonClassName('secondary', 'sm')}>
        Add postal address
      </Link>
    );
  }
  const fix = FIX[check.key];
  if (!fix) return null;
  return (
    <span className="launch-check-fixes">
      <Button size="sm" onClick={() => onGoTo(fix.section)}>
        {fix.label}
      </Button>
      {check.key === 'senders' && (
        <Link to="/senders" className={buttonClassName('ghost', 'sm')}>
          Sending accounts
        </Link>
      )}
    </span>
  );
}

interface LaunchChecklistProps {
  workspaceId: string;
  campaignId: string;
  /** The form has unsaved edits: the checks describe the saved campaign, so launching waits for a save. */
  dirty: boolean;
  canLaunch: boolean;
  launching: boolean;
  /** Settles when the launch request does; the confirmation stays open until then. */
  onLaunch: () => Promise<unknown>;
  onGoTo: (section: EditorSection) => void;
}

export function LaunchChecklist({ workspaceId, campaignId, dirty, canLaunch, launching, onLaunch, onGoTo }: LaunchChecklistProps) {
  const check = useLaunchCheck(workspaceId, campaignId);
  const [confirming, setConfirming] = useState(false);
  const result = check.data;
  const ready = result?.ok === true && !dirty;
  const failed = result?.checks.filter((c) => !c.ok).length ?? 0;

  return (
    <Card aria-labelledby="launch-title" className="launch-card">
      <CardHeader
        titleId="launch-title"
        title="Launch checklist"
        description={
          result
            ? result.ok
              ? `Ready: ${result.audienceCount.toLocaleString()} ${result.audienceCount === 1 ? 'contact' : 'contacts'} will be enrolled.`
              : `${failed} ${failed === 1 ? 'thing needs' : 'things need'} fixing before launch.`
            : 'Everything a campaign needs before it may send.'
        }
        actions={
          <Button size="sm" variant="ghost" icon="refresh" onClick={() => void check.refetch()} loading={check.isFetching && !check.isPending}>
            Check again
          </Button>
        }
      />
      <CardBody>
        {dirty && (
          <Alert tone="warning" title="You have unsaved changes">
            The checklist describes the saved campaign. Save your changes to check them and launch.
          </Alert>
        )}
        {check.isPending ? (
          <SkeletonText lines={6} />
        ) : check.isError ? (
          <ErrorState title="Couldn't run the checks" error={check.error} onRetry={() => void check.refetch()} retrying={check.isFetching} />
        ) : (
          <>
            <ul className="launch-checks" aria-label="Launch checks">
              {check.data.checks.map((item) => (
                <li key={item.key} className={item.ok ? 'launch-check launch-check-ok' : 'launch-check launch-check-fail'}>
                  <Icon name={item.ok ? 'checkCircle' : 'xCircle'} size={20} className="launch-check-icon" />
                  <div className="launch-check-text">
                    <p className="launch-check-title">
                      {checkLabel[item.key]}
                      <span className="visually-hidden">{item.ok ? ': passed' : ': failed'}</span>
                    </p>
                    <p className="launch-check-message">{item.message}</p>
                  </div>
                  <CheckFix check={item} onGoTo={onGoTo} />
                </li>
              ))}
            </ul>
            {check.data.missingVariables.length > 0 && (
              <div className="missing-variables">
                <h3 className="form-section-title">Contacts missing a value</h3>
                <p className="muted small">
                  Fill in these contacts' fields, or give each variable a default in the template, e.g.{' '}
                  <code className="code-pill">{'{{ first_name | default: "there" }}'}</code>.
                </p>
                <Table aria-label="Contacts missing variables">
                  <thead>
                    <tr>
                      <th scope="col">Contact</th>
                      <th scope="col">Missing</th>
                    </tr>
                  </thead>
                  <tbody>
                    {check.data.missingVariables.map((row) => (
                      <tr key={row.contactId}>
                        <td>
                          <Link to="/contacts/$contactId" params={{ contactId: row.contactId }}>
                            {row.email || row.contactId}
                          </Link>
                        </td>
                        <td>
                          <span className="tag-list">
                            {row.variables.map((v) => (
                              <code key={v} className="code-pill">
                                {v}
                              </code>
                            ))}
                          </span>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </Table>
              </div>
            )}
          </>
        )}
      </CardBody>
      {canLaunch && (
        <CardFooter className="launch-footer">
          <span className="muted small">{ready ? 'Sending starts within the schedule once launched.' : 'Launch is available when every check passes.'}</span>
          <Button variant="primary" icon="play" disabled={!ready || check.isFetching} loading={launching} onClick={() => setConfirming(true)}>
            Launch
          </Button>
        </CardFooter>
      )}
      <ConfirmDialog
        open={confirming}
        destructive={false}
        title="Launch this campaign?"
        description={`${result?.audienceCount.toLocaleString() ?? 'The'} ${result?.audienceCount === 1 ? 'contact is' : 'contacts are'} enrolled now and the first emails go out within the sending window. You can pause or stop it at any time.`}
        confirmLabel="Launch campaign"
        pending={launching}
        onConfirm={() => void onLaunch().finally(() => setConfirming(false))}
        onCancel={() => setConfirming(false)}
      />
    </Card>
  );
}
