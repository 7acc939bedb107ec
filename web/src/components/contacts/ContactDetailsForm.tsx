import { useState } from 'react';
import { useUpdateContact } from '../../api/contacts';
import type { Contact, ContactStatus, ContactWrite, CustomField } from '../../api/types';
import { useForm, type FormErrors } from '../../lib/useForm';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Card, CardBody, CardFooter, CardHeader } from '../ui/Card';
import { SelectField, TextField } from '../ui/Field';
import { useToast } from '../ui/Toast';
import {
  customToText,
  nullIfBlank,
  parseTags,
  statusDescription,
  statusLabel,
  textToCustom,
  TIME_ZONE_LIST_ID,
  validateContactEmail,
  validateTimeZone,
} from './contactDisplay';
import { TimeZoneSuggestions } from './TimeZoneSuggestions';

type Values = Record<string, string>;

const TEXT_KEYS = ['firstName', 'lastName', 'company', 'title', 'phone', 'timeZone'] as const;
const EDITABLE_STATUSES: Exclude<ContactStatus, 'erased'>[] = ['active', 'unsubscribed', 'bounced', 'complained'];
const customKey = (key: string) => `custom:${key}`;

function valuesFrom(contact: Contact, fields: CustomField[]): Values {
  const values: Values = {
    email: contact.email ?? '',
    firstName: contact.firstName ?? '',
    lastName: contact.lastName ?? '',
    company: contact.company ?? '',
    title: contact.title ?? '',
    phone: contact.phone ?? '',
    timeZone: contact.timeZone ?? '',
    tags: contact.tags.join(', '),
    status: contact.status,
  };
  for (const field of fields) values[customKey(field.key)] = customToText(field.type, contact.custom[field.key]);
  return values;
}

/** Only what changed is sent: custom values merge server-side, and an untouched status is never re-validated. */
function changes(values: Values, baseline: Values, fields: CustomField[]): ContactWrite {
  const body: ContactWrite = {};
  if (values.email !== baseline.email) body.email = values.email!.trim();
  for (const key of TEXT_KEYS) if (values[key] !== baseline[key]) body[key] = nullIfBlank(values[key] ?? '');
  if (values.tags !== baseline.tags) body.tags = parseTags(values.tags ?? '');
  if (values.status !== baseline.status) body.status = values.status as ContactWrite['status'];
  const custom: NonNullable<ContactWrite['custom']> = {};
  for (const field of fields) {
    const key = customKey(field.key);
    if (values[key] !== baseline[key]) custom[field.key] = textToCustom(field.type, values[key] ?? '');
  }
  if (Object.keys(custom).length > 0) body.custom = custom;
  return body;
}

interface ContactDetailsFormProps {
  workspaceId: string;
  contact: Contact;
  fields: CustomField[];
  /** Custom field definitions couldn't be loaded: their values are shown read-only elsewhere. */
  fieldsError?: string | null;
}

export function ContactDetailsForm({ workspaceId, contact, fields, fieldsError }: ContactDetailsFormProps) {
  const update = useUpdateContact(workspaceId, contact.id);
  const toast = useToast();
  const [baseline, setBaseline] = useState(() => valuesFrom(contact, fields));

  const labels: Partial<Record<string, string>> = { firstName: 'First name', lastName: 'Last name', timeZone: 'Time zone' };
  for (const field of fields) labels[customKey(field.key)] = field.label;

  const form = useForm<Values>({
    initialValues: baseline,
    labels,
    fieldFromServer: (field) => {
      if (field.startsWith('custom.')) return customKey(field.slice('custom.'.length));
      if (field.startsWith('tags')) return 'tags';
      return undefined;
    },
    validate: (values) => {
      const errors: FormErrors<Values> = { email: validateContactEmail(values.email ?? ''), timeZone: validateTimeZone(values.timeZone ?? '') };
      for (const field of fields) {
        const value = values[customKey(field.key)]?.trim() ?? '';
        if (field.type === 'number' && value && !Number.isFinite(Number(value))) errors[customKey(field.key)] = 'Enter a number.';
      }
      return errors;
    },
    onSubmit: async (values) => {
      const body = changes(values, baseline, fields);
      if (Object.keys(body).length === 0) return;
      const updated = await update.mutateAsync(body);
      const next = valuesFrom(updated, fields);
      setBaseline(next);
      form.reset(next);
      toast.success('Contact saved');
    },
  });

  const dirty = Object.keys(form.values).some((key) => form.values[key] !== baseline[key]);
  const status = form.values.status as ContactStatus;

  return (
    <Card aria-labelledby="contact-details-title">
      <form onSubmit={form.handleSubmit} noValidate>
        <CardHeader titleId="contact-details-title" title="Details" description="Used to personalise messages and to filter segments." />
        <CardBody className="form">
          {form.formError && <Alert tone="danger">{form.formError}</Alert>}
          <TextField label="Email" type="email" autoComplete="off" {...form.field('email')} />
          <div className="form-grid">
            <TextField label="First name" autoComplete="off" maxLength={200} {...form.field('firstName')} />
            <TextField label="Last name" autoComplete="off" maxLength={200} {...form.field('lastName')} />
            <TextField label="Company" autoComplete="off" maxLength={300} {...form.field('company')} />
            <TextField label="Title" autoComplete="off" maxLength={300} {...form.field('title')} />
            <TextField label="Phone" type="tel" autoComplete="off" maxLength={50} {...form.field('phone')} />
            <TextField label="Time zone" autoComplete="off" placeholder="Europe/Berlin" list={TIME_ZONE_LIST_ID} {...form.field('timeZone')} />
          </div>
          <TextField label="Tags" autoComplete="off" hint="Separate tags with commas." {...form.field('tags')} />
          <SelectField
            label="Status"
            options={EDITABLE_STATUSES.map((value) => ({ value, label: statusLabel[value] }))}
            hint={statusDescription[status]}
            {...form.field('status')}
          />

          <p className="form-section-title">Custom fields</p>
          {fieldsError ? (
            <Alert tone="warning">Custom fields couldn't be loaded: {fieldsError}</Alert>
          ) : fields.length === 0 ? (
            <p className="muted small">This workspace has no custom fields yet. Fields created through the API show up here.</p>
          ) : (
            <div className="form-grid">
              {fields.map((field) => {
                const props = form.field(customKey(field.key));
                if (field.type === 'boolean') {
                  return (
                    <SelectField
                      key={field.id}
                      label={field.label}
                      options={[
                        { value: '', label: 'Not set' },
                        { value: 'true', label: 'Yes' },
                        { value: 'false', label: 'No' },
                      ]}
                      {...props}
                    />
                  );
                }
                return (
                  <TextField
                    key={field.id}
                    label={field.label}
                    type={field.type === 'number' ? 'number' : field.type === 'date' ? 'date' : 'text'}
                    step={field.type === 'number' ? 'any' : undefined}
                    autoComplete="off"
                    {...props}
                  />
                );
              })}
            </div>
          )}
          <TimeZoneSuggestions />
        </CardBody>
        <CardFooter>
          {dirty && (
            <Button onClick={() => form.reset(baseline)} disabled={update.isPending}>
              Discard changes
            </Button>
          )}
          <Button type="submit" variant="primary" loading={update.isPending} disabled={!dirty}>
            Save
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}
