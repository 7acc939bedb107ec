import { Link } from '@tanstack/react-router';
import { Card, CardBody, CardHeader } from '../ui/Card';
import { Icon } from '../ui/Icon';
import { SkeletonText } from '../ui/Skeleton';

export interface ChecklistItem {
  id: string;
  title: string;
  description: string;
  done: boolean;
  /** Where to go to complete it; items done by email have no link. */
  to?: '/team' | '/api-keys' | '/profile';
  actionLabel?: string;
}

interface GettingStartedProps {
  items: ChecklistItem[];
  loading: boolean;
}

export function GettingStarted({ items, loading }: GettingStartedProps) {
  const doneCount = items.filter((item) => item.done).length;
  const percent = items.length ? Math.round((doneCount / items.length) * 100) : 100;

  return (
    <Card aria-labelledby="getting-started-title">
      <CardHeader
        titleId="getting-started-title"
        title="Getting started"
        description={loading ? 'Checking your progress…' : `${doneCount} of ${items.length} done`}
      />
      <CardBody>
        {loading ? (
          <SkeletonText lines={3} />
        ) : (
          <>
            <div
              className="progress"
              role="progressbar"
              aria-label="Setup progress"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={percent}
            >
              <span className="progress-bar" style={{ width: `${percent}%` }} />
            </div>
            <ul className="checklist">
              {items.map((item) => (
                <li key={item.id} className={item.done ? 'checklist-item checklist-item-done' : 'checklist-item'}>
                  <span className="checklist-mark" aria-hidden="true">
                    {item.done && <Icon name="check" size={14} />}
                  </span>
                  <span className="checklist-text">
                    <span className="checklist-title">
                      {item.title}
                      <span className="visually-hidden">{item.done ? ' (done)' : ' (to do)'}</span>
                    </span>
                    <span className="checklist-description">{item.description}</span>
                  </span>
                  {!item.done && item.to && item.actionLabel && (
                    <Link to={item.to} className="checklist-action">
                      {item.actionLabel}
                      <Icon name="chevronRight" size={14} />
                    </Link>
                  )}
                </li>
              ))}
            </ul>
          </>
        )}
      </CardBody>
    </Card>
  );
}
