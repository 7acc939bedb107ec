import { useId, useMemo, useState, type FormEvent } from 'react';
import { errorMessage, isApiError } from '../../api/errors';
import { useStartImport } from '../../api/imports';
import { useCreateList, useLists } from '../../api/lists';
import type { ContactImport, CustomField, ImportDedupe } from '../../api/types';
import { formatBytes } from '../../lib/download';
import { pluralize } from '../../lib/format';
import { ListPicker, listPickerError, NEW_LIST } from '../lists/ListPicker';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Card, CardBody, CardFooter, CardHeader } from '../ui/Card';
import { Checkbox } from '../ui/Checkbox';
import { Icon } from '../ui/Icon';
import { RadioGroup } from '../ui/RadioGroup';
import { Table } from '../ui/Table';
import { builtinTargets, customTargets, SKIP_COLUMN, targetLabel } from './importDisplay';

const PREVIEW_ROWS = 5;

interface MappingStepProps {
  workspaceId: string;
  imp: ContactImport;
  fields: CustomField[];
  fieldsError: string | null;
  onStarted: (imp: ContactImport) => void;
  onChooseAnotherFile: () => void;
}

function sampleFor(imp: ContactImport, index: number): string {
  for (const row of imp.preview) {
    const value = row[index]?.trim();
    if (value) return value;
  }
  return '';
}

function MappingSelect({ header, value, fields, error, onChange }: { header: string; value: string; fields: CustomField[]; error?: string; onChange: (value: string) => void }) {
  const id = useId();
  const custom = customTargets(fields);
  return (
    <div className="mapping-select">
      <label htmlFor={id} className="visually-hidden">
        Map column {header}
      </label>
      <select
        id={id}
        className={value === SKIP_COLUMN ? 'input select input-sm mapping-skip' : 'input select input-sm'}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(event) => onChange(event.target.value)}
      >
        <option value={SKIP_COLUMN}>Don't import</option>
        <optgroup label="Contact fields">
          {builtinTargets().map((target) => (
            <option key={target.value} value={target.value}>
              {target.label}
            </option>
          ))}
        </optgroup>
        {custom.length > 0 && (
          <optgroup label="Custom fields">
            {custom.map((target) => (
              <option key={target.value} value={target.value}>
                {target.label}
              </option>
            ))}
          </optgroup>
        )}
      </select>
      {error && (
        <p className="field-error" id={`${id}-error`}>
          <Icon name="alert" size={14} />
          <span>{error}</span>
        </p>
      )}
    </div>
  );
}

/** Client-side checks mirroring the server's: one email column, each field filled from one column. */
function mappingErrors(headers: string[], mapping: Record<string, string>, fields: CustomField[]) {
  const perColumn: Record<string, string> = {};
  const firstUse = new Map<string, string>();
  for (const header of headers) {
    const target = mapping[header] ?? SKIP_COLUMN;
    if (!target) continue;
    const earlier = firstUse.get(target);
    if (earlier !== undefined) perColumn[header] = `${targetLabel(target, fields)} is already mapped from “${earlier}”.`;
    else firstUse.set(target, header);
  }
  const general = firstUse.has('email') ? null : 'Map one column to Email: every contact needs an address.';
  return { perColumn, general };
}

export function MappingStep({ workspaceId, imp, fields, fieldsError, onStarted, onChooseAnotherFile }: MappingStepProps) {
  const lists = useLists(workspaceId);
  const createList = useCreateList(workspaceId);
  const start = useStartImport(workspaceId);

  const [mapping, setMapping] = useState<Record<string, string>>(() => {
    const initial = imp.mapping ?? imp.suggestedMapping;
    return Object.fromEntries(imp.headers.map((header) => [header, initial[header] ?? SKIP_COLUMN]));
  });
  const [dedupe, setDedupe] = useState<ImportDedupe>(imp.options?.dedupe ?? 'skip');
  const [listValue, setListValue] = useState(imp.options?.listId ?? '');
  const [newListName, setNewListName] = useState('');
  const [importValidRows, setImportValidRows] = useState(imp.options?.importValidRows ?? false);
  const [submitted, setSubmitted] = useState(false);
  const [serverColumnErrors, setServerColumnErrors] = useState<Record<string, string>>({});
  const [listErrors, setListErrors] = useState<{ list?: string; newName?: string }>({});
  const [formError, setFormError] = useState<string | null>(null);

  const client = useMemo(() => mappingErrors(imp.headers, mapping, fields), [imp.headers, mapping, fields]);
  const columnError = (header: string) => (submitted ? client.perColumn[header] : undefined) ?? serverColumnErrors[header];
  const mappedCount = Object.values(mapping).filter(Boolean).length;
  const pending = start.isPending || createList.isPending;

  function setTarget(header: string, target: string) {
    setMapping((current) => ({ ...current, [header]: target }));
    setServerColumnErrors((current) => ({ ...current, [header]: '' }));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    setFormError(null);
    const listProblem = listPickerError(listValue, newListName, false);
    setListErrors(listProblem ?? {});
    if (client.general || Object.keys(client.perColumn).length > 0 || listProblem) return;
    try {
      let listId: string | null = listValue || null;
      if (listValue === NEW_LIST) {
        const list = await createList.mutateAsync({ name: newListName.trim() });
        listId = list.id;
        // A retry after a failed start reuses the list instead of creating it twice.
        setListValue(list.id);
      }
      const started = await start.mutateAsync({ id: imp.id, input: { mapping, dedupe, listId, importValidRows } });
      onStarted(started);
    } catch (error) {
      if (isApiError(error) && error.fieldErrors.length > 0) {
        const columns: Record<string, string> = {};
        const other: string[] = [];
        for (const { field, message } of error.fieldErrors) {
          if (field.startsWith('mapping.')) columns[field.slice('mapping.'.length)] = `This column ${message}.`;
          else if (field === 'listId') setListErrors({ list: `That list ${message}.` });
          else if (field === 'name') setListErrors({ newName: errorMessage(error) });
          else other.push(field === 'mapping' ? 'Map one column to Email.' : `${field} ${message}.`);
        }
        setServerColumnErrors(columns);
        setFormError(other.length > 0 ? other.join(' ') : Object.keys(columns).length > 0 ? 'Some columns need another look; see below.' : null);
      } else {
        setFormError(errorMessage(error));
      }
    }
  }

  const previewRows = imp.preview.slice(0, PREVIEW_ROWS);

  return (
    <form className="stack" onSubmit={(event) => void submit(event)} noValidate>
      {formError && (
        <Alert tone="danger" title="The import couldn't start">
          {formError}
        </Alert>
      )}
      {submitted && client.general && <Alert tone="danger">{client.general}</Alert>}
      {fieldsError && <Alert tone="warning">Custom fields couldn't be loaded ({fieldsError}); you can still map the standard fields.</Alert>}

      <Card aria-labelledby="mapping-title">
        <CardHeader
          titleId="mapping-title"
          title="Map columns"
          description={
            <>
              <span className="strong">{imp.filename}</span> · {formatBytes(imp.sizeBytes)} · {pluralize(imp.headers.length, 'column')}. {mappedCount} of{' '}
              {imp.headers.length} will be imported.
            </>
          }
          actions={
            <Button size="sm" variant="ghost" icon="upload" onClick={onChooseAnotherFile} disabled={pending}>
              Choose another file
            </Button>
          }
        />
        <Table aria-label="Column mapping" className="mapping-table">
          <thead>
            <tr>
              <th scope="col">Column in your file</th>
              <th scope="col">Sample value</th>
              <th scope="col">Import as</th>
            </tr>
          </thead>
          <tbody>
            {imp.headers.map((header, index) => {
              const sample = sampleFor(imp, index);
              return (
                <tr key={`${header}-${index}`} className={mapping[header] ? undefined : 'row-muted'}>
                  <td>
                    <span className="strong">{header || <span className="muted">(no name)</span>}</span>
                  </td>
                  <td className="mapping-sample">{sample ? <span title={sample}>{sample}</span> : <span className="muted">empty</span>}</td>
                  <td>
                    <MappingSelect header={header} value={mapping[header] ?? SKIP_COLUMN} fields={fields} error={columnError(header)} onChange={(value) => setTarget(header, value)} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      </Card>

      <Card aria-labelledby="preview-title">
        <CardHeader
          titleId="preview-title"
          title="Preview"
          description={
            previewRows.length === 0
              ? 'The file has a header row but no data rows.'
              : previewRows.length === 1
                ? 'The first row of the file, as read.'
                : `The first ${previewRows.length} rows of the file, as read.`
          }
        />
        {previewRows.length > 0 && (
          <Table aria-label="File preview" className="preview-table">
            <thead>
              <tr>
                {imp.headers.map((header, index) => (
                  <th scope="col" key={`${header}-${index}`}>
                    <span className="cell-stack">
                      <span>{header}</span>
                      <span className={mapping[header] ? 'preview-target' : 'preview-target preview-target-skip'}>
                        {mapping[header] ? `→ ${targetLabel(mapping[header]!, fields)}` : 'not imported'}
                      </span>
                    </span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {previewRows.map((row, rowIndex) => (
                <tr key={rowIndex}>
                  {imp.headers.map((header, index) => (
                    <td key={`${header}-${index}`} className={mapping[header] ? undefined : 'muted'} title={row[index]}>
                      {row[index] || <span className="muted">—</span>}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>

      <Card aria-labelledby="options-title">
        <CardHeader titleId="options-title" title="Options" />
        <CardBody className="form">
          <RadioGroup
            legend="When a contact already exists"
            layout="cards"
            value={dedupe}
            onChange={setDedupe}
            disabled={pending}
            options={[
              { value: 'skip', label: 'Skip existing contacts', description: 'Contacts already here stay exactly as they are.' },
              { value: 'update', label: 'Update existing contacts', description: 'Filled cells overwrite their fields; tags are added.' },
            ]}
          />
          <ListPicker
            label="Add to list"
            noneLabel="Don't add to a list"
            hint="Imported contacts, and existing ones found in the file, join this list."
            lists={lists.data}
            value={listValue}
            onChange={(value) => {
              setListValue(value);
              setListErrors({});
            }}
            newName={newListName}
            onNewNameChange={(value) => {
              setNewListName(value);
              setListErrors({});
            }}
            error={listErrors.list}
            newNameError={listErrors.newName}
            disabled={pending}
          />
          <Checkbox
            label="Import the valid rows even if some rows are malformed"
            description="Otherwise one unreadable row (broken quotes, too many cells) stops the import before anything is written."
            checked={importValidRows}
            disabled={pending}
            onChange={(event) => setImportValidRows(event.target.checked)}
          />
        </CardBody>
        <CardFooter>
          <Button type="submit" variant="primary" icon="upload" loading={pending}>
            Start import
          </Button>
        </CardFooter>
      </Card>
    </form>
  );
}
