import { errorMessage } from '../../api/errors';
import { CONVERSATION_LABELS, useUpdateConversation, type Conversation, type ConversationUpdate } from '../../api/inbox';
import { useMembers } from '../../api/members';
import { Button } from '../ui/Button';
import { FilterSelect } from '../ui/FilterSelect';
import { useToast } from '../ui/Toast';
import { labelName } from './inboxDisplay';

/** Triage: open/closed, unread again, assignment to a member, labels. */
export function ConversationActions({ workspaceId, conversation }: { workspaceId: string; conversation: Conversation }) {
  const update = useUpdateConversation(workspaceId);
  const members = useMembers(workspaceId);
  const toast = useToast();

  function save(input: ConversationUpdate, done?: string) {
    update.mutate(
      { id: conversation.id, input },
      {
        onSuccess: () => done && toast.success(done),
        onError: (error) => toast.error("Couldn't update the conversation", errorMessage(error)),
      },
    );
  }

  function toggleLabel(label: (typeof CONVERSATION_LABELS)[number]) {
    const has = conversation.labels.includes(label);
    save({ labels: has ? conversation.labels.filter((l) => l !== label) : [...conversation.labels, label] });
  }

  const memberOptions = (members.data ?? []).map((m) => ({ value: m.userId, label: m.name }));
  if (conversation.assignee && !memberOptions.some((o) => o.value === conversation.assignee?.id)) {
    memberOptions.push({ value: conversation.assignee.id, label: conversation.assignee.name });
  }

  return (
    <div className="inbox-actions">
      <div className="inbox-actions-row">
        {conversation.status === 'open' ? (
          <Button size="sm" icon="check" onClick={() => save({ status: 'closed' }, 'Conversation closed')} disabled={update.isPending}>
            Close
          </Button>
        ) : (
          <Button size="sm" icon="refresh" onClick={() => save({ status: 'open' }, 'Conversation reopened')} disabled={update.isPending}>
            Reopen
          </Button>
        )}
        <Button size="sm" variant="ghost" icon="mail" onClick={() => save({ unread: true }, 'Marked as unread')} disabled={update.isPending}>
          Mark unread
        </Button>
        <FilterSelect
          label="Assigned to"
          anyLabel="Nobody"
          value={conversation.assignee?.id ?? ''}
          options={memberOptions}
          disabled={update.isPending || members.isPending}
          onChange={(value) => {
            const member = members.data?.find((m) => m.userId === value);
            save({ assignedUserId: value || null }, value ? `Assigned to ${member?.name ?? 'a teammate'}` : 'Unassigned');
          }}
        />
      </div>
      <div className="inbox-labels" role="group" aria-label="Labels">
        {CONVERSATION_LABELS.map((label) => {
          const on = conversation.labels.includes(label);
          return (
            <button
              key={label}
              type="button"
              className={on ? `inbox-label-toggle inbox-label-${label} inbox-label-on` : 'inbox-label-toggle'}
              aria-pressed={on}
              disabled={update.isPending}
              onClick={() => toggleLabel(label)}
            >
              {labelName[label]}
            </button>
          );
        })}
      </div>
    </div>
  );
}
