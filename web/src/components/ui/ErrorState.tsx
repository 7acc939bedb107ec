import { errorMessage, hasStatus } from '../../api/errors';
import { Button } from './Button';
import { EmptyState } from './EmptyState';

interface ErrorStateProps {
  title: string;
  error: unknown;
  onRetry?: () => void;
  retrying?: boolean;
}

/** For a failed load: says what failed and why, and offers a retry when retrying can help. */
export function ErrorState({ title, error, onRetry, retrying }: ErrorStateProps) {
  if (hasStatus(error, 403, 404)) {
    return (
      <EmptyState
        icon="lock"
        title="You don't have access to this"
        description="Ask a workspace owner or admin if you need it."
      />
    );
  }
  return (
    <div className="error-state" role="alert">
      <EmptyState
        icon="alert"
        title={title}
        description={errorMessage(error)}
        action={
          onRetry && (
            <Button onClick={onRetry} loading={retrying} size="sm">
              Try again
            </Button>
          )
        }
      />
    </div>
  );
}
