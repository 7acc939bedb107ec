import { useState } from 'react';
import { Link } from '@tanstack/react-router';
import { errorMessage } from '../../api/errors';
import { useConversation, useRetryReply } from '../../api/inbox';
import { Avatar } from '../ui/Avatar';
import { Button } from '../ui/Button';
import { Checkbox } from '../ui/Checkbox';
import { ErrorState } from '../ui/ErrorState';
import { Icon } from '../ui/Icon';
import { SkeletonText } from '../ui/Skeleton';
import { useToast } from '../ui/Toast';
import { ConversationActions } from './ConversationActions';
import { channelIcon, channelName, contactLabel } from './inboxDisplay';
import { ReplyBox } from './ReplyBox';
import { ThreadTimeline } from './ThreadTimeline';

interface ConversationViewProps {
  workspaceId: string;
  conversationId: string;
  onBack: () => void;
}

/** One conversation: who, through which account, the thread (optionally with the contact's whole history), triage and the reply box. */
export function ConversationView({ workspaceId, conversationId, onBack }: ConversationViewProps) {
  const thread = useConversation(workspaceId, conversationId);
  const retry = useRetryReply(workspaceId);
  const toast = useToast();
  const [showHistory, setShowHistory] = useState(false);

  if (thread.isPending) {
    return (
      <div className="inbox-thread-loading" aria-label="Loading conversation">
        <SkeletonText lines={6} />
      </div>
    );
  }
  if (thread.isError) {
    return <ErrorState title="Couldn't load the conversation" error={thread.error} onRetry={() => void thread.refetch()} retrying={thread.isFetching} />;
  }
  const { conversation, messages, history, reply } = thread.data;
  const name = contactLabel(conversation.contact);
  const secondary = conversation.contact.email ?? (conversation.contact.messengerPsid ? 'Messenger subscriber' : null);

  function onRetry(messageId: string) {
    retry.mutate(
      { id: conversationId, messageId },
      { onError: (error) => toast.error("Couldn't send it yet", errorMessage(error)) },
    );
  }

  return (
    <section className="inbox-conversation" aria-label={`Conversation with ${name}`}>
      <header className="inbox-conversation-header">
        <Button variant="ghost" size="sm" icon="arrowLeft" className="inbox-back" onClick={onBack}>
          Conversations
        </Button>
        <div className="inbox-contact">
          <Avatar name={name} seed={conversation.contact.id} />
          <div>
            <h2 className="inbox-contact-name">
              <Link to="/contacts/$contactId" params={{ contactId: conversation.contact.id }}>
                {name}
              </Link>
            </h2>
            <p className="inbox-contact-meta">
              {secondary && <span>{secondary}</span>}
              <span>
                <Icon name={channelIcon[conversation.channel]} size={13} /> {channelName[conversation.channel]}
                {conversation.account ? ` · ${conversation.account.label}` : ''}
              </span>
              {conversation.campaign && (
                <Link to="/campaigns/$campaignId" params={{ campaignId: conversation.campaign.id }}>
                  {conversation.campaign.name}
                </Link>
              )}
            </p>
          </div>
        </div>
        <ConversationActions workspaceId={workspaceId} conversation={conversation} />
      </header>
      <div className="inbox-history-toggle">
        <Checkbox
          label={`Show the whole history with ${name}`}
          description={history.length ? `${history.length} more item${history.length === 1 ? '' : 's'}: other channels, campaign emails, opens and clicks` : 'Nothing else on other channels'}
          checked={showHistory}
          disabled={!history.length}
          onChange={(event) => setShowHistory(event.target.checked)}
        />
      </div>
      <ThreadTimeline messages={messages} history={showHistory ? history : null} onRetry={onRetry} retryingId={retry.isPending ? (retry.variables?.messageId ?? null) : null} />
      <ReplyBox key={conversation.id} workspaceId={workspaceId} conversation={conversation} reply={reply} />
    </section>
  );
}
