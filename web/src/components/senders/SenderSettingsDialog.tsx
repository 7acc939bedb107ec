import { useUpdateSender, type Sender, type SenderUpdateInput, type SmtpSecurity } from '../../api/senders';
import { useForm } from '../../lib/useForm';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Checkbox } from '../ui/Checkbox';
import { Dialog } from '../ui/Dialog';
import { SelectField, TextareaField, TextField } from '../ui/Field';
import { SERVER_FIELD_LABELS, securityOptions, senderFieldFromServer, toInt, validateHost, validateInteger } from './senderForm';

interface SenderSettingsDialogProps {
  workspaceId: string;
  sender: Sender;
  /** Opened from "Reconnect" on an SMTP account: the passwords are what needs re-entering. */
  reconnect?: boolean;
  onClose: () => void;
  /** `credentialsChanged` tells the caller a connection test is worth running now. */
  onSaved: (sender: Sender, credentialsChanged: boolean) => void;
}

function initialValues(sender: Sender) {
  const { settings } = sender;
  return {
    fromName: sender.fromName ?? '',
    signature: settings.signature ?? '',
    dailyCap: String(settings.dailyCap),
    minGapSeconds: String(settings.minGapSeconds),
    maxGapSeconds: String(settings.maxGapSeconds),
    warmupEnabled: String(settings.warmup.enabled),
    warmupStart: String(settings.warmup.start),
    warmupIncrement: String(settings.warmup.increment),
    warmupMax: String(settings.warmup.max),
    smtpHost: sender.smtp?.host ?? '',
    smtpPort: String(sender.smtp?.port ?? ''),
    smtpSecurity: sender.smtp?.security ?? 'starttls',
    smtpUser: sender.smtp?.user ?? '',
    smtpPassword: '',
    imapHost: sender.imap?.host ?? '',
    imapPort: String(sender.imap?.port ?? ''),
    imapSecure: String(sender.imap?.secure ?? true),
    imapUser: sender.imap?.user ?? '',
    imapPassword: '',
    dkimDomain: sender.dkim?.domain ?? '',
    dkimSelector: sender.dkim?.selector ?? '',
    dkimPrivateKey: '',
  };
}

type Values = ReturnType<typeof initialValues>;

/** Mount only while open, so every opening starts from the account's saved settings. */
export function SenderSettingsDialog({ workspaceId, sender, reconnect = false, onClose, onSaved }: SenderSettingsDialogProps) {
  const update = useUpdateSender(workspaceId);
  const isSmtp = sender.kind === 'smtp';

  function validate(v: Values) {
    const min = validateInteger(v.minGapSeconds, 'Minimum gap', 0, 86400);
    const max = validateInteger(v.maxGapSeconds, 'Maximum gap', 0, 86400);
    const warmup = v.warmupEnabled === 'true';
    const dkimKey = v.dkimPrivateKey.trim();
    return {
      dailyCap: validateInteger(v.dailyCap, 'Daily cap', 1, 10000),
      minGapSeconds: min,
      maxGapSeconds: max ?? (!min && toInt(v.maxGapSeconds) < toInt(v.minGapSeconds) ? 'Maximum gap must be at least the minimum gap.' : undefined),
      warmupStart: warmup ? validateInteger(v.warmupStart, 'Start per day', 1, 1000) : undefined,
      warmupIncrement: warmup ? validateInteger(v.warmupIncrement, 'Daily increment', 0, 1000) : undefined,
      warmupMax: warmup ? validateInteger(v.warmupMax, 'Maximum per day', 1, 10000) : undefined,
      smtpHost: isSmtp ? validateHost(v.smtpHost, 'SMTP host') : undefined,
      smtpPort: isSmtp ? validateInteger(v.smtpPort, 'SMTP port', 1, 65535) : undefined,
      smtpUser: isSmtp && !v.smtpUser.trim() ? 'Enter the SMTP username.' : undefined,
      smtpPassword: reconnect && !v.smtpPassword ? 'Enter the new SMTP password.' : undefined,
      imapHost: isSmtp ? validateHost(v.imapHost, 'IMAP host') : undefined,
      imapPort: isSmtp ? validateInteger(v.imapPort, 'IMAP port', 1, 65535) : undefined,
      imapUser: isSmtp && !v.imapUser.trim() ? 'Enter the IMAP username.' : undefined,
      imapPassword: reconnect && !v.imapPassword ? 'Enter the new IMAP password.' : undefined,
      dkimDomain: isSmtp && dkimKey ? validateHost(v.dkimDomain, 'DKIM domain') : undefined,
      dkimSelector: isSmtp && dkimKey && !v.dkimSelector.trim() ? 'Enter the DKIM selector.' : undefined,
      dkimPrivateKey: isSmtp && dkimKey && !dkimKey.includes('PRIVATE KEY') ? 'Paste the PEM private key (-----BEGIN PRIVATE KEY-----…).' : undefined,
    };
  }

  const form = useForm({
    initialValues: initialValues(sender),
    validate,
    fieldFromServer: senderFieldFromServer,
    labels: {
      fromName: 'From name',
      dailyCap: 'Daily cap',
      minGapSeconds: 'Minimum gap',
      maxGapSeconds: 'Maximum gap',
      warmupStart: 'Start per day',
      warmupIncrement: 'Daily increment',
      warmupMax: 'Maximum per day',
      ...SERVER_FIELD_LABELS,
    },
    onSubmit: async (v) => {
      const warmupEnabled = v.warmupEnabled === 'true';
      // A reconnect only touches the login details; the hidden settings stay as they are.
      const input: SenderUpdateInput = reconnect ? {} : {
        fromName: v.fromName.trim() || null,
        signature: v.signature.trim() ? v.signature : null,
        dailyCap: toInt(v.dailyCap),
        minGapSeconds: toInt(v.minGapSeconds),
        maxGapSeconds: toInt(v.maxGapSeconds),
        warmup: warmupEnabled
          ? { enabled: true, start: toInt(v.warmupStart), increment: toInt(v.warmupIncrement), max: toInt(v.warmupMax) }
          : { enabled: false },
      };
      let credentialsChanged = false;
      if (isSmtp) {
        input.smtp = { host: v.smtpHost.trim(), port: toInt(v.smtpPort), security: v.smtpSecurity as SmtpSecurity, user: v.smtpUser.trim() };
        input.imap = { host: v.imapHost.trim(), port: toInt(v.imapPort), secure: v.imapSecure === 'true', user: v.imapUser.trim() };
        // Blank password fields keep the stored ones.
        if (v.smtpPassword) input.smtp.password = v.smtpPassword;
        if (v.imapPassword) input.imap.password = v.imapPassword;
        if (v.dkimPrivateKey.trim()) input.dkim = { domain: v.dkimDomain.trim(), selector: v.dkimSelector.trim(), privateKey: v.dkimPrivateKey.trim() };
        const before = initialValues(sender);
        credentialsChanged =
          Boolean(v.smtpPassword || v.imapPassword) ||
          (['smtpHost', 'smtpPort', 'smtpSecurity', 'smtpUser', 'imapHost', 'imapPort', 'imapSecure', 'imapUser'] as const).some((k) => v[k].trim() !== before[k]);
      }
      const saved = await update.mutateAsync({ id: sender.id, input });
      onSaved(saved, credentialsChanged);
    },
  });

  const warmupOn = form.values.warmupEnabled === 'true';
  const keepHint = 'Leave blank to keep the saved password.';

  return (
    <Dialog
      open
      size="lg"
      onClose={onClose}
      dismissable={!update.isPending}
      title={reconnect ? `Reconnect ${sender.email}` : `Settings for ${sender.email}`}
      description={reconnect ? 'Re-enter the passwords so MessageSender can log in again.' : 'How this account sends: its identity, pace and daily limits.'}
      onSubmit={form.handleSubmit}
      footer={
        <>
          <Button onClick={onClose} disabled={update.isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={update.isPending}>
            {reconnect ? 'Save and test' : 'Save settings'}
          </Button>
        </>
      }
    >
      {form.formError && <Alert tone="danger">{form.formError}</Alert>}
      {reconnect && sender.statusReason && (
        <Alert tone="warning" title="The server refused the saved login">
          {sender.statusReason}
        </Alert>
      )}

      {!reconnect && (
        <>
          <TextField label="From name" autoComplete="off" placeholder={sender.email} maxLength={200} hint="Shown as the sender in the inbox." {...form.field('fromName')} />
          <TextareaField label="Signature" rows={4} hint="Added to the end of every email sent from this account." {...form.field('signature')} />

          <p className="form-section-title">Sending pace</p>
          <div className="form-grid sender-number-grid">
            <TextField label="Daily cap" inputMode="numeric" hint="Most emails per day." {...form.field('dailyCap')} />
            <TextField label="Minimum gap (seconds)" inputMode="numeric" {...form.field('minGapSeconds')} />
            <TextField label="Maximum gap (seconds)" inputMode="numeric" {...form.field('maxGapSeconds')} />
          </div>

          <p className="form-section-title">Warm-up</p>
          <Checkbox
            label="Warm-up"
            description="Start low and raise the daily limit every day, so a new mailbox builds a sending reputation."
            checked={warmupOn}
            onChange={(e) => form.setValue('warmupEnabled', String(e.target.checked))}
          />
          {warmupOn && (
            <div className="form-grid sender-number-grid">
              <TextField label="Start per day" inputMode="numeric" {...form.field('warmupStart')} />
              <TextField label="Daily increment" inputMode="numeric" {...form.field('warmupIncrement')} />
              <TextField label="Maximum per day" inputMode="numeric" {...form.field('warmupMax')} />
            </div>
          )}
        </>
      )}

      {isSmtp && (
        <>
          <p className="form-section-title">SMTP (sending)</p>
          <div className="form-grid">
            <TextField label="SMTP host" autoComplete="off" {...form.field('smtpHost')} />
            <div className="form-grid sender-port-grid">
              <TextField label="SMTP port" inputMode="numeric" autoComplete="off" {...form.field('smtpPort')} />
              <SelectField label="SMTP security" options={securityOptions} {...form.field('smtpSecurity')} />
            </div>
            <TextField label="SMTP username" autoComplete="off" {...form.field('smtpUser')} />
            <TextField label="SMTP password" type="password" autoComplete="new-password" autoFocus={reconnect} hint={reconnect ? undefined : keepHint} {...form.field('smtpPassword')} />
          </div>

          <p className="form-section-title">IMAP (replies and bounces)</p>
          <div className="form-grid">
            <TextField label="IMAP host" autoComplete="off" {...form.field('imapHost')} />
            <div className="sender-imap-port">
              <TextField label="IMAP port" inputMode="numeric" autoComplete="off" {...form.field('imapPort')} />
              <Checkbox label="IMAP uses TLS" checked={form.values.imapSecure === 'true'} onChange={(e) => form.setValue('imapSecure', String(e.target.checked))} />
            </div>
            <TextField label="IMAP username" autoComplete="off" {...form.field('imapUser')} />
            <TextField label="IMAP password" type="password" autoComplete="new-password" hint={reconnect ? undefined : keepHint} {...form.field('imapPassword')} />
          </div>

          {!reconnect && (
            <>
              <p className="form-section-title">DKIM signing (optional)</p>
              <p className="field-hint">
                {sender.dkim?.configured
                  ? `A key is saved for selector “${sender.dkim.selector}”. Paste a new key only to replace it.`
                  : "Only needed when your mail server doesn't sign messages itself."}
              </p>
              <div className="form-grid">
                <TextField label="DKIM domain" autoComplete="off" {...form.field('dkimDomain')} />
                <TextField label="DKIM selector" autoComplete="off" {...form.field('dkimSelector')} />
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
            </>
          )}
        </>
      )}
    </Dialog>
  );
}
