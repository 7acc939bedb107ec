import { useCreateSmtpSender, type Sender, type SmtpSecurity } from '../../api/senders';
import { useForm } from '../../lib/useForm';
import { validateEmail } from '../../lib/validation';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Checkbox } from '../ui/Checkbox';
import { Dialog } from '../ui/Dialog';
import { SelectField, TextareaField, TextField } from '../ui/Field';
import {
  defaultImapPort,
  defaultSmtpPort,
  emailDomain,
  securityOptions,
  senderFieldFromServer,
  toInt,
  validateHost,
  validateInteger,
  SERVER_FIELD_LABELS,
} from './senderForm';

interface AddSmtpSenderDialogProps {
  workspaceId: string;
  onClose: () => void;
  onCreated: (sender: Sender) => void;
}

const initialValues = {
  email: '',
  fromName: '',
  smtpHost: '',
  smtpPort: '587',
  smtpSecurity: 'starttls',
  smtpUser: '',
  smtpPassword: '',
  imapHost: '',
  imapPort: '993',
  imapSecure: 'true',
  imapUser: '',
  imapPassword: '',
  dkimDomain: '',
  dkimSelector: '',
  dkimPrivateKey: '',
};

type Values = typeof initialValues;

const hasDkim = (v: Values) => Boolean(v.dkimDomain.trim() || v.dkimSelector.trim() || v.dkimPrivateKey.trim());

function validate(v: Values) {
  const dkim = hasDkim(v);
  return {
    email: v.email.trim() ? validateEmail(v.email) : 'Enter the email address of the mailbox.',
    smtpHost: validateHost(v.smtpHost, 'SMTP host'),
    smtpPort: validateInteger(v.smtpPort, 'SMTP port', 1, 65535),
    smtpPassword: v.smtpPassword ? undefined : 'Enter the SMTP password.',
    imapHost: validateHost(v.imapHost, 'IMAP host'),
    imapPort: validateInteger(v.imapPort, 'IMAP port', 1, 65535),
    imapPassword: v.imapPassword ? undefined : 'Enter the IMAP password.',
    dkimDomain: dkim ? validateHost(v.dkimDomain, 'DKIM domain') : undefined,
    dkimSelector: dkim && !v.dkimSelector.trim() ? 'Enter the DKIM selector, or clear the DKIM fields.' : undefined,
    dkimPrivateKey:
      dkim && !v.dkimPrivateKey.includes('PRIVATE KEY') ? 'Paste the PEM private key (-----BEGIN PRIVATE KEY-----…), or clear the DKIM fields.' : undefined,
  };
}

/** Mount only while open, so every opening starts with an empty form. */
export function AddSmtpSenderDialog({ workspaceId, onClose, onCreated }: AddSmtpSenderDialogProps) {
  const create = useCreateSmtpSender(workspaceId);
  const form = useForm({
    initialValues,
    validate,
    fieldFromServer: senderFieldFromServer,
    labels: {
      email: 'Email',
      ...SERVER_FIELD_LABELS,
    },
    onSubmit: async (v) => {
      const email = v.email.trim();
      const sender = await create.mutateAsync({
        email,
        fromName: v.fromName.trim() || null,
        smtp: {
          host: v.smtpHost.trim(),
          port: toInt(v.smtpPort),
          security: v.smtpSecurity as SmtpSecurity,
          user: v.smtpUser.trim() || email,
          password: v.smtpPassword,
        },
        imap: {
          host: v.imapHost.trim(),
          port: toInt(v.imapPort),
          secure: v.imapSecure === 'true',
          user: v.imapUser.trim() || email,
          password: v.imapPassword,
        },
        dkim: hasDkim(v) ? { domain: v.dkimDomain.trim(), selector: v.dkimSelector.trim(), privateKey: v.dkimPrivateKey.trim() } : undefined,
      });
      onCreated(sender);
    },
  });

  const domain = emailDomain(form.values.email);
  const email = form.values.email.trim();
  const usernameHint = email ? `Leave blank to use ${email}.` : 'Leave blank to use the email address.';

  function changeSecurity(value: string) {
    // Follow the conventional port unless the user typed a custom one.
    const current = form.values.smtpPort.trim();
    if (Object.values(defaultSmtpPort).includes(current) || !current) form.setValue('smtpPort', defaultSmtpPort[value as SmtpSecurity]);
    form.setValue('smtpSecurity', value);
  }

  function changeImapSecure(secure: boolean) {
    const current = form.values.imapPort.trim();
    if (current === defaultImapPort(!secure) || !current) form.setValue('imapPort', defaultImapPort(secure));
    form.setValue('imapSecure', String(secure));
  }

  return (
    <Dialog
      open
      size="lg"
      onClose={onClose}
      dismissable={!create.isPending}
      title="Connect an SMTP / IMAP account"
      description="MessageSender sends through your SMTP server and reads replies over IMAP. Passwords are encrypted at rest and never shown again."
      onSubmit={form.handleSubmit}
      footer={
        <>
          <Button onClick={onClose} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={create.isPending}>
            Connect account
          </Button>
        </>
      }
    >
      {form.formError && <Alert tone="danger">{form.formError}</Alert>}
      <div className="form-grid">
        <TextField label="Email" type="email" autoComplete="off" placeholder="you@example.com" {...form.field('email')} />
        <TextField label="From name" autoComplete="off" placeholder="Jane from Acme" hint="Shown as the sender in the inbox." maxLength={200} {...form.field('fromName')} />
      </div>

      <p className="form-section-title">SMTP (sending)</p>
      <div className="form-grid">
        <TextField label="SMTP host" autoComplete="off" placeholder={`smtp.${domain}`} {...form.field('smtpHost')} />
        <div className="form-grid sender-port-grid">
          <TextField label="SMTP port" inputMode="numeric" autoComplete="off" {...form.field('smtpPort')} />
          <SelectField label="SMTP security" options={securityOptions} hint="STARTTLS: 587, TLS: 465."  {...form.field('smtpSecurity')} onChange={(e) => changeSecurity(e.target.value)} />
        </div>
        <TextField label="SMTP username" autoComplete="off" placeholder={email || undefined} hint={usernameHint} {...form.field('smtpUser')} />
        <TextField label="SMTP password" type="password" autoComplete="new-password" hint="For Gmail or Microsoft 365 over SMTP, use an app password." {...form.field('smtpPassword')} />
      </div>

      <p className="form-section-title">IMAP (replies and bounces)</p>
      <div className="form-grid">
        <TextField label="IMAP host" autoComplete="off" placeholder={`imap.${domain}`} {...form.field('imapHost')} />
        <div className="sender-imap-port">
          <TextField label="IMAP port" inputMode="numeric" autoComplete="off" {...form.field('imapPort')} />
          <Checkbox label="IMAP uses TLS" checked={form.values.imapSecure === 'true'} onChange={(e) => changeImapSecure(e.target.checked)} />
        </div>
        <TextField label="IMAP username" autoComplete="off" placeholder={email || undefined} hint={usernameHint} {...form.field('imapUser')} />
        <TextField label="IMAP password" type="password" autoComplete="new-password" {...form.field('imapPassword')} />
      </div>

      <p className="form-section-title">DKIM signing (optional)</p>
      <p className="field-hint">Only needed when your mail server doesn't sign messages itself. Leave blank to skip.</p>
      <div className="form-grid">
        <TextField label="DKIM domain" autoComplete="off" placeholder={domain} {...form.field('dkimDomain')} />
        <TextField label="DKIM selector" autoComplete="off" placeholder="s1" {...form.field('dkimSelector')} />
        <div className="form-grid-full">
          <TextareaField
            className="sender-key-input"
            label="DKIM private key"
            rows={4}
            spellCheck={false}
            placeholder="-----BEGIN PRIVATE KEY-----"
            {...form.field('dkimPrivateKey')}
          />
        </div>
      </div>
    </Dialog>
  );
}
