import { useState, type FormEvent } from 'react';
import { errorMessage, isApiError } from '../../api/errors';
import { useUploadSuppressions } from '../../api/suppressions';
import type { SuppressionUploadResult } from '../../api/types';
import { formatBytes } from '../../lib/download';
import { pluralize } from '../../lib/format';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import { FileDrop } from '../ui/FileDrop';
import { Icon } from '../ui/Icon';
import { Table } from '../ui/Table';

const MAX_BYTES = 20 * 1024 * 1024;

/** Mount only while open. */
export function UploadSuppressionsDialog({ workspaceId, onClose }: { workspaceId: string; onClose: () => void }) {
  const upload = useUploadSuppressions(workspaceId);
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const [result, setResult] = useState<SuppressionUploadResult | null>(null);

  function choose(next: File) {
    setFormError(null);
    if (next.size > MAX_BYTES) {
      setError(`This file is ${formatBytes(next.size)}; the limit is 20 MB.`);
      setFile(null);
      return;
    }
    setError(undefined);
    setFile(next);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (result) {
      onClose();
      return;
    }
    if (!file) {
      setError('Choose a CSV file to upload.');
      return;
    }
    try {
      setResult(await upload.mutateAsync(file));
    } catch (err) {
      if (isApiError(err) && err.fieldErrors.some((e) => e.field === 'file')) setError(errorMessage(err));
      else setFormError(errorMessage(err));
    }
  }

  return (
    <Dialog
      open
      size="lg"
      onClose={onClose}
      dismissable={!upload.isPending}
      title="Upload suppressions"
      description="Every address or domain in the first column is suppressed. A header row is skipped."
      onSubmit={(event) => void submit(event)}
      footer={
        result ? (
          <Button type="submit" variant="primary">
            Done
          </Button>
        ) : (
          <>
            <Button onClick={onClose} disabled={upload.isPending}>
              Cancel
            </Button>
            <Button type="submit" variant="primary" icon="upload" loading={upload.isPending} disabled={!file}>
              Upload and suppress
            </Button>
          </>
        )
      }
    >
      {formError && <Alert tone="danger">{formError}</Alert>}
      {result ? (
        <>
          <Alert tone={result.added > 0 ? 'success' : 'info'} title={result.added > 0 ? `Suppressed ${pluralize(result.added, 'entry', 'entries')}` : 'Nothing new to suppress'}>
            {result.alreadySuppressed > 0 && `${pluralize(result.alreadySuppressed, 'entry was', 'entries were')} already on the list. `}
            {result.invalid.length > 0 && `${pluralize(result.invalid.length, 'row was', 'rows were')} skipped because ${result.invalid.length === 1 ? "it isn't" : "they aren't"} an address or a domain.`}
          </Alert>
          {result.invalid.length > 0 && (
            <div className="dialog-table">
              <Table aria-label="Skipped rows">
                <thead>
                  <tr>
                    <th scope="col">Row</th>
                    <th scope="col">Value</th>
                  </tr>
                </thead>
                <tbody>
                  {result.invalid.slice(0, 200).map((row) => (
                    <tr key={row.row}>
                      <td className="mono muted">{row.row}</td>
                      <td>{row.value || <span className="muted">empty</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            </div>
          )}
        </>
      ) : (
        <>
          <FileDrop label="Suppression CSV" accept=".csv,.txt,text/csv,text/plain" hint="Addresses or domains in the first column. 20 MB max." error={error} disabled={upload.isPending} onFile={choose} />
          {file && (
            <p className="chosen-file">
              <Icon name="fileText" />
              <span className="strong">{file.name}</span>
              <span className="muted">{formatBytes(file.size)}</span>
            </p>
          )}
        </>
      )}
    </Dialog>
  );
}
