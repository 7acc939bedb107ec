import type { ReactNode } from 'react';
import { errorMessage } from '../../api/errors';
import { Button } from './Button';
import { CardFooter } from './Card';

/** The parts of a TanStack infinite query the footer reads. */
interface PagedQuery {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  isFetchNextPageError: boolean;
  error: unknown;
  fetchNextPage: () => unknown;
}

interface LoadMoreFooterProps {
  summary: ReactNode;
  query: PagedQuery;
  endMessage?: ReactNode;
}

/** Keyset pagination: the next page is fetched from the cursor the previous one returned. */
export function LoadMoreFooter({ summary, query, endMessage }: LoadMoreFooterProps) {
  const hasMore = query.hasNextPage;
  const loading = query.isFetchingNextPage;
  const onLoadMore = () => void query.fetchNextPage();
  const error = query.isFetchNextPageError ? query.error : undefined;
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
