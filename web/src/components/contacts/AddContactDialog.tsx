import { Link } from '@tanstack/react-router';
import { useCreateContact } from '../../api/contacts';
import { useForm } from '../../lib/useForm';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import { TextField } from '../ui/Field';
import { useToast } from '../ui/Toast';
import { nullIfBlank, parseTags, TIME_ZONE_LIST_ID, validateContactEmail, validateTimeZone } from './contactDisplay';
import { TimeZoneSuggestions } from './TimeZoneSuggestions';

const emptyContact = { email: '', firstName: '', lastName: '', company: '', title: '', phone: '', timeZone: '', tags: '' };

/** Mount only while open, so every opening starts with an empty form. */
export function AddContactDialog({ workspaceId, onClose }: { workspaceId: string; onClose: () => void }) {
  const createContact = useCreateContact(workspaceId);
  const toast = useToast();

  const form = useForm({
    initialValues: emptyContact,
    validate: ({ email, timeZone }) => ({ email: validateContactEmail(email), timeZone: validateTimeZone(timeZone) }),
    // "tags.2" (one bad tag) is shown under the Tags field.
    fieldFromServer: (field) => (field.startsWith('tags') ? 'tags' : undefined),
    labels: { timeZone: 'Time zone', firstName: 'First name', lastName: 'Last name' },
    onSubmit: async (values) => {
      const contact = await createContact.mutateAsync({
        email: values.email.trim(),
        firstName: nullIfBlank(values.firstName),
        lastName: nullIfBlank(values.lastName),
        company: nullIfBlank(values.company),
        title: nullIfBlank(values.title),
        phone: nullIfBlank(values.phone),
        timeZone: nullIfBlank(values.timeZone),
        tags: parseTags(values.tags),
      });
      onClose();
      toast.success('Contact added', `${contact.email ?? 'The contact'} is now in your contacts.`);
    },
  });

  return (
    <Dialog
      open
      size="lg"
      onClose={onClose}
      dismissable={!createContact.isPending}
      title="Add contact"
      description={
        <>
          Add one person by hand. For many at once, <Link to="/contacts/import">import a CSV</Link>.
        </>
      }
      onSubmit={form.handleSubmit}
      footer={
        <>
          <Button onClick={onClose} disabled={createContact.isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={createContact.isPending}>
            Create contact
          </Button>
        </>
      }
    >
      {form.formError && <Alert tone="danger">{form.formError}</Alert>}
      <TextField label="Email" type="email" autoComplete="off" placeholder="name@company.com" {...form.field('email')} />
      <div className="form-grid">
        <TextField label="First name" autoComplete="off" maxLength={200} {...form.field('firstName')} />
        <TextField label="Last name" autoComplete="off" maxLength={200} {...form.field('lastName')} />
        <TextField label="Company" autoComplete="off" maxLength={300} {...form.field('company')} />
        <TextField label="Title" autoComplete="off" maxLength={300} placeholder="Head of Sales" {...form.field('title')} />
        <TextField label="Phone" type="tel" autoComplete="off" maxLength={50} {...form.field('phone')} />
        <TextField label="Time zone" autoComplete="off" placeholder="Europe/Berlin" list={TIME_ZONE_LIST_ID} {...form.field('timeZone')} />
      </div>
      <TextField label="Tags" autoComplete="off" placeholder="lead, webinar-2024" hint="Separate tags with commas." {...form.field('tags')} />
      <TimeZoneSuggestions />
    </Dialog>
  );
}
