import type { ReactNode } from 'react';
import { errorMessage } from '../../api/errors';
import { Button } from './Button';
import { CardFooter } from './Card';

interface LoadMoreFooterProps {
  summary: ReactNode;
  hasMore: boolean;
  loading: boolean;
  onLoadMore: () => void;
  endMessage?: ReactNode;
  /** Set when fetching the next page failed. */
  error?: unknown;
}

/** Keyset pagination: the next page is fetched from the cursor the previous one returned. */
export function LoadMoreFooter({ summary, hasMore, loading, onLoadMore, endMessage, error }: LoadMoreFooterProps) {
  return (
    <>
      <CardFooter className="load-more-footer">
        <span className="muted small">{summary}</span>
        {hasMore ? (
          <Button onClick={onLoadMore} loading={loading}>
            Load more
          </Button>
        ) : (
          endMessage && <span className="muted small">{endMessage}</span>
        )}
      </CardFooter>
      {error !== undefined && error !== null && (
        <p className="field-error load-more-error" role="alert">
          Couldn't load more: {errorMessage(error)}
        </p>
      )}
    </>
  );
}
