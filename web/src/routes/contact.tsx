import { useState } from 'react';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { getContactData, useContact, useContactActivity, useEraseContact } from '../api/contacts';
import { errorMessage, hasStatus } from '../api/errors';
import { useContactFields } from '../api/lists';
import { useWorkspace } from '../api/me';
import type { Contact } from '../api/types';
import { ActivityTimeline } from '../components/contacts/ActivityTimeline';
import { contactTitle, fullName } from '../components/contacts/contactDisplay';
import { ContactDetailsForm } from '../components/contacts/ContactDetailsForm';
import { ContactStatusBadge, TagList } from '../components/contacts/ContactStatusBadge';
import { Avatar } from '../components/ui/Avatar';
import { Badge } from '../components/ui/Badge';
import { Button, buttonClassName } from '../components/ui/Button';
import { Card, CardBody, CardHeader } from '../components/ui/Card';
import { EmptyState } from '../components/ui/EmptyState';
import { ErrorState } from '../components/ui/ErrorState';
import { SkeletonText } from '../components/ui/Skeleton';
import { useToast } from '../components/ui/Toast';
import { TypeToConfirmDialog } from '../components/ui/TypeToConfirmDialog';
import { saveFile } from '../lib/download';
import { formatDate, formatDateTime, formatRelative } from '../lib/format';
import { permissions } from '../lib/permissions';
import { useDocumentTitle } from '../lib/useDocumentTitle';

function BackLink() {
  return (
    <Link to="/contacts" className="back-link">
      <span aria-hidden="true">←</span> Contacts
    </Link>
  );
}

function OverviewCard({ contact, lists, showLists }: { contact: Contact; lists: { id: string; name: string }[] | undefined; showLists: boolean }) {
  return (
    <Card aria-labelledby="contact-overview-title">
      <CardHeader titleId="contact-overview-title" title="Overview" />
      <CardBody>
        <dl className="details-list details-list-compact">
          <div>
            <dt>Status</dt>
            <dd>
              <ContactStatusBadge status={contact.status} />
            </dd>
          </div>
          <div>
            <dt>Tags</dt>
            <dd>
              <TagList tags={contact.tags} max={8} />
            </dd>
          </div>
          {showLists && (
            <div>
              <dt>Lists</dt>
              <dd>
                {lists === undefined ? (
                  <span className="muted">…</span>
                ) : lists.length === 0 ? (
                  <span className="muted">Not in any list</span>
                ) : (
                  <span className="tag-list">
                    {lists.map((list) => (
                      <Link key={list.id} to="/contacts" search={{ listId: list.id }} className="chip chip-link">
                        {list.name}
                      </Link>
                    ))}
                  </span>
                )}
              </dd>
            </div>
          )}
          <div>
            <dt>Source</dt>
            <dd>{contact.source ? <span className="code-pill">{contact.source}</span> : <span className="muted">—</span>}</dd>
          </div>
          <div>
            <dt>Added</dt>
            <dd>
              <time dateTime={contact.createdAt} title={formatDateTime(contact.createdAt)}>
                {formatDate(contact.createdAt)}
              </time>
            </dd>
          </div>
          <div>
            <dt>Last updated</dt>
            <dd>
              <time dateTime={contact.updatedAt} title={formatDateTime(contact.updatedAt)}>
                {formatRelative(contact.updatedAt)}
              </time>
            </dd>
          </div>
          {contact.messengerPsid && (
            <div>
              <dt>Messenger</dt>
              <dd>
                <Badge tone="accent">Connected</Badge>
              </dd>
            </div>
          )}
        </dl>
      </CardBody>
    </Card>
  );
}

function ActivityCard({ workspaceId, contactId }: { workspaceId: string; contactId: string }) {
  const data = useContactActivity(workspaceId, contactId);
  return (
    <Card aria-labelledby="contact-activity-title">
      <CardHeader titleId="contact-activity-title" title="Activity" description="Messages, opens, clicks and replies across channels." />
      <CardBody>
        {data.isPending ? (
          <SkeletonText lines={4} />
        ) : data.isError ? (
          <ErrorState title="Couldn't load activity" error={data.error} onRetry={() => void data.refetch()} retrying={data.isFetching} />
        ) : data.data.events.length === 0 ? (
          <EmptyState compact icon="activity" title="No activity yet" description="Messages sent to this contact, and their opens, clicks and replies, appear here." />
        ) : (
          <ActivityTimeline events={data.data.events} />
        )}
      </CardBody>
    </Card>
  );
}

function ContactView({ workspaceId, contact, canManage }: { workspaceId: string; contact: Contact; canManage: boolean }) {
  const fields = useContactFields(workspaceId);
  const data = useContactActivity(workspaceId, contact.id);
  const erase = useEraseContact(workspaceId);
  const navigate = useNavigate();
  const toast = useToast();
  const [erasing, setErasing] = useState(false);
  const [downloading, setDownloading] = useState(false);
  const title = contactTitle(contact);
  useDocumentTitle(title);

  async function download() {
    setDownloading(true);
    try {
      const fresh = await getContactData(contact.id);
      saveFile(JSON.stringify(fresh, null, 2), `contact-${contact.id}.json`, 'application/json');
      toast.success('Data exported', 'Everything held about this contact was downloaded as JSON.');
    } catch (error) {
      toast.error("Couldn't export the data", errorMessage(error));
    } finally {
      setDownloading(false);
    }
  }

  function confirmErase() {
    erase.mutate(contact.id, {
      onSuccess: async () => {
        setErasing(false);
        await navigate({ to: '/contacts' });
        toast.success('Contact erased', 'Their personal data is gone; the address stays blocked from future imports.');
      },
    });
  }

  const name = fullName(contact);

  return (
    <div className="page">
      <BackLink />
      <header className="page-header contact-header">
        <div className="contact-identity">
          <Avatar name={name || contact.email || '?'} seed={contact.id} size="lg" />
          <div className="contact-identity-text">
            <h1 className="page-title">{title}</h1>
            <p className="contact-subtitle">
              {name && <span>{contact.email}</span>}
              {contact.title && contact.company ? (
                <span>
                  {contact.title} at {contact.company}
                </span>
              ) : (
                (contact.title || contact.company) && <span>{contact.title ?? contact.company}</span>
              )}
            </p>
            <div className="contact-badges">
              <ContactStatusBadge status={contact.status} />
              {contact.isRoleAddress && (
                <span title="info@, sales@ and similar addresses reach a team rather than a person.">
                  <Badge tone="warning">Role address</Badge>
                </span>
              )}
            </div>
          </div>
        </div>
        {canManage && (
          <div className="page-actions">
            <Button icon="download" loading={downloading} onClick={() => void download()}>
              Download data (GDPR)
            </Button>
            <Button variant="danger" icon="trash" onClick={() => setErasing(true)}>
              Erase contact
            </Button>
          </div>
        )}
      </header>

      <div className="contact-layout">
        <div className="stack">
          {fields.isPending ? (
            <Card aria-label="Details">
              <CardBody className="card-body-padded">
                <SkeletonText lines={6} />
              </CardBody>
            </Card>
          ) : (
            <ContactDetailsForm
              key={contact.id}
              workspaceId={workspaceId}
              contact={contact}
              fields={fields.data ?? []}
              fieldsError={fields.isError ? errorMessage(fields.error) : null}
            />
          )}
        </div>
        <div className="stack">
          <OverviewCard contact={contact} lists={data.data?.lists} showLists={!data.isError} />
          <ActivityCard workspaceId={workspaceId} contactId={contact.id} />
        </div>
      </div>

      {erasing && (
        <TypeToConfirmDialog
          title="Erase this contact?"
          description={`All personal data held about ${contact.email ?? 'this contact'} is deleted for good: details, tags, list memberships and event details.`}
          phrase="ERASE"
          confirmLabel="Erase permanently"
          pending={erase.isPending}
          error={erase.isError ? errorMessage(erase.error) : null}
          onConfirm={confirmErase}
          onCancel={() => {
            setErasing(false);
            erase.reset();
          }}
        >
          <p className="muted small">
            A one-way hash of the address stays on the suppression list, so this person is never imported or contacted again. Use this for
            erasure requests under GDPR. It can't be undone.
          </p>
        </TypeToConfirmDialog>
      )}
    </div>
  );
}

export function ContactPage() {
  const { contactId } = useParams({ from: '/app/contacts/$contactId' });
  const { id: workspaceId, role } = useWorkspace();
  const contact = useContact(workspaceId, contactId);

  if (contact.isPending) {
    return (
      <div className="page">
        <BackLink />
        <div className="contact-layout" role="status" aria-label="Loading contact">
          <Card aria-hidden="true">
            <CardBody className="card-body-padded">
              <SkeletonText lines={8} />
            </CardBody>
          </Card>
          <Card aria-hidden="true">
            <CardBody className="card-body-padded">
              <SkeletonText lines={5} />
            </CardBody>
          </Card>
        </div>
      </div>
    );
  }

  if (contact.isError) {
    return (
      <div className="page">
        <BackLink />
        <Card>
          {hasStatus(contact.error, 404) ? (
            <EmptyState
              icon="search"
              title="Contact not found"
              description="It may have been deleted or erased, or it belongs to another workspace."
              action={
                <Link to="/contacts" className={buttonClassName('secondary')}>
                  Back to contacts
                </Link>
              }
            />
          ) : (
            <ErrorState title="Couldn't load the contact" error={contact.error} onRetry={() => void contact.refetch()} retrying={contact.isFetching} />
          )}
        </Card>
      </div>
    );
  }

  return <ContactView workspaceId={workspaceId} contact={contact.data} canManage={permissions.exportContacts(role) && permissions.eraseContacts(role)} />;
}
