import { useSendTestEmail, type Sender } from '../../api/senders';
import { useForm } from '../../lib/useForm';
import { validateEmail } from '../../lib/validation';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import { TextField } from '../ui/Field';

interface TestSendDialogProps {
  workspaceId: string;
  sender: Sender;
  /** Pre-filled recipient: the signed-in user's own address. */
  defaultTo: string;
  onClose: () => void;
}

/** Sends one real message from the account and shows the server's answer, word for word. */
export function TestSendDialog({ workspaceId, sender, defaultTo, onClose }: TestSendDialogProps) {
  const send = useSendTestEmail(workspaceId);
  const form = useForm({
    initialValues: { to: defaultTo },
    validate: ({ to }) => ({ to: validateEmail(to) }),
    onSubmit: ({ to }) => send.mutateAsync({ id: sender.id, to: to.trim() }),
  });
  const result = send.data;
  return (
    <Dialog
      open
      onClose={onClose}
      title="Send a test email"
      description={`Sends one plain message from ${sender.email}, the way campaigns send.`}
      footer={
        <>
          <Button onClick={onClose}>Done</Button>
          <Button variant="primary" type="submit" form="test-send-form" loading={send.isPending} icon="send">
            Send test
          </Button>
        </>
      }
    >
      <form id="test-send-form" className="form" onSubmit={form.handleSubmit} noValidate>
        {form.formError && <Alert tone="danger">{form.formError}</Alert>}
        <TextField label="Send to" type="email" autoComplete="email" {...form.field('to')} />
      </form>
      {result && (
        <Alert tone={result.ok ? 'success' : 'danger'} title={result.ok ? 'Sent' : 'Not sent'}>
          <code className="sender-test-detail">{result.detail}</code>
        </Alert>
      )}
    </Dialog>
  );
}
