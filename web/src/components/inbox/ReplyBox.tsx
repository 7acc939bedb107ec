import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { errorMessage } from '../../api/errors';
import { useReplyToConversation, type Conversation, type ReplyState } from '../../api/inbox';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { TextareaField } from '../ui/Field';
import { useToast } from '../ui/Toast';
import { windowSummary } from './inboxDisplay';

/** Messenger's limit for one message. */
const MESSENGER_MAX = 2000;

interface ReplyBoxProps {
  workspaceId: string;
  conversation: Conversation;
  reply: ReplyState;
}

/**
 * Replies through the conversation's own channel. It says beforehand where the reply goes and,
 * for Messenger, whether the 24-hour window (or HUMAN_AGENT after it) still allows it.
 */
// Every role may reply (server: inbox.reply for owner, admin and member).
export function ReplyBox({ workspaceId, conversation, reply }: ReplyBoxProps) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const send = useReplyToConversation(workspaceId);
  const toast = useToast();
  const messenger = conversation.channel === 'messenger';
  const tooLong = messenger && text.length > MESSENGER_MAX;
  const blocked = !reply.allowed;

  function submit(event?: FormEvent) {
    event?.preventDefault();
    if (!text.trim() || tooLong || blocked || send.isPending) return;
    setProblem(null);
    send.mutate(
      { id: conversation.id, text, tag: reply.tag === 'HUMAN_AGENT' ? 'HUMAN_AGENT' : undefined },
      {
        onSuccess: () => setText(''),
        onError: (error) => {
          setProblem(errorMessage(error));
          toast.error("Your reply wasn't sent", errorMessage(error));
        },
      },
    );
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) submit();
  }

  const route = messenger
    ? `Reply on Messenger from ${conversation.account?.label ?? 'the page'}`
    : `Reply to ${reply.to ?? 'the contact'} from ${conversation.account?.label ?? 'the inbox'}`;
  const summary = windowSummary(reply);

  return (
    <form className="inbox-reply" onSubmit={submit} aria-label="Reply">
      {blocked && (
        <Alert tone="warning" title="You can't reply here right now">
          <p>{reply.reason}</p>
        </Alert>
      )}
      {summary && <p className={reply.tag ? 'inbox-window inbox-window-tagged' : 'inbox-window'}>{summary}</p>}
      {problem && !blocked && (
        <Alert tone="danger" title="Not sent">
          <p>{problem}</p>
        </Alert>
      )}
      <TextareaField
        label="Reply"
        hint={tooLong ? undefined : `${route}. Ctrl+Enter sends.`}
        error={tooLong ? `Messenger allows at most ${MESSENGER_MAX} characters (${text.length} now).` : undefined}
        rows={4}
        value={text}
        disabled={blocked}
        placeholder={messenger ? 'Write a message…' : 'Write your reply…'}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="inbox-reply-actions">
        <Button type="submit" variant="primary" icon="send" loading={send.isPending} disabled={blocked || !text.trim() || tooLong}>
          Send
        </Button>
      </div>
    </form>
  );
}
