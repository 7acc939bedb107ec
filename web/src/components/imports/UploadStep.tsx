import { useRef, useState } from 'react';
import { errorMessage, isApiError } from '../../api/errors';
import { MAX_IMPORT_BYTES, useUploadImport } from '../../api/imports';
import type { ContactImport } from '../../api/types';
import { formatBytes } from '../../lib/download';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Card, CardBody, CardHeader } from '../ui/Card';
import { FileDrop } from '../ui/FileDrop';
import { Icon } from '../ui/Icon';
import { ProgressBar } from '../ui/ProgressBar';

function fileProblem(file: File): string | null {
  if (file.size === 0) return 'This file is empty. Choose a CSV with a header row and at least one contact.';
  if (file.size > MAX_IMPORT_BYTES) return `This file is ${formatBytes(file.size)}; the limit is 100 MB. Split it into smaller files.`;
  if (/\.(xlsx?|numbers|ods)$/i.test(file.name)) return 'This is a spreadsheet file. Save it as CSV (File → Save as → CSV) and upload that.';
  return null;
}

export function UploadStep({ onUploaded }: { onUploaded: (imp: ContactImport) => void }) {
  const upload = useUploadImport();
  const [error, setError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const [progress, setProgress] = useState<{ name: string; percent: number } | null>(null);
  const abort = useRef<AbortController | null>(null);

  function start(file: File) {
    const problem = fileProblem(file);
    setFormError(null);
    if (problem) {
      setError(problem);
      return;
    }
    setError(undefined);
    setProgress({ name: file.name, percent: 0 });
    const controller = new AbortController();
    abort.current = controller;
    upload.mutate(
      {
        file,
        signal: controller.signal,
        onProgress: (loaded, total) => setProgress({ name: file.name, percent: total ? (loaded / total) * 100 : 0 }),
      },
      {
        onSuccess: onUploaded,
        onError: (err) => {
          if (err instanceof DOMException && err.name === 'AbortError') return;
          const fileError = isApiError(err) ? err.fieldErrors.find((e) => e.field === 'file') : undefined;
          // The server's detail is a full sentence ("This looks like a binary file…"); prefer it.
          if (fileError) setError(errorMessage(err));
          else setFormError(errorMessage(err));
        },
        onSettled: () => {
          setProgress(null);
          abort.current = null;
        },
      },
    );
  }

  const uploading = upload.isPending && progress !== null;

  return (
    <div className="import-upload-layout">
      <Card aria-labelledby="upload-title">
        <CardHeader titleId="upload-title" title="Upload your contacts" description="We'll show you the columns next, so you can check how they map before anything is imported." />
        <CardBody className="form">
          {formError && (
            <Alert tone="danger" title="The upload failed">
              {formError}
            </Alert>
          )}
          <FileDrop
            label="CSV file"
            accept=".csv,.txt,.tsv,text/csv,text/plain"
            hint="Comma, semicolon or tab separated, with a header row. 100 MB max."
            error={error}
            disabled={uploading}
            onFile={start}
            busy={
              uploading ? (
                <div className="dropzone-busy">
                  <ProgressBar
                    label={`Uploading ${progress.name}`}
                    percent={progress.percent >= 100 ? null : progress.percent}
                    valueText={progress.percent >= 100 ? 'Reading the file…' : undefined}
                  />
                  <Button size="sm" variant="ghost" onClick={() => abort.current?.abort()}>
                    Cancel upload
                  </Button>
                </div>
              ) : undefined
            }
          />
        </CardBody>
      </Card>
      <aside className="card import-tips" aria-labelledby="import-tips-title">
        <h2 className="card-title" id="import-tips-title">
          Before you import
        </h2>
        <ul className="import-tips-list">
          <li>
            <Icon name="check" size={14} />
            <span>One row per contact, and a first row that names the columns.</span>
          </li>
          <li>
            <Icon name="check" size={14} />
            <span>An email column is required; everything else is optional.</span>
          </li>
          <li>
            <Icon name="check" size={14} />
            <span>Separate several tags in one cell with commas, semicolons or “|”.</span>
          </li>
          <li>
            <Icon name="shield" size={14} />
            <span>Suppressed addresses are never imported, and duplicates in the file are skipped.</span>
          </li>
        </ul>
      </aside>
    </div>
  );
}
