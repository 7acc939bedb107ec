import { Card } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';

/** Shown instead of the Messenger pages when this server has no Facebook app configured. */
export function MessengerUnavailable() {
  return (
    <Card>
      <EmptyState
        icon="info"
        title="Messenger isn't set up on this server"
        description="An administrator needs to set FACEBOOK_APP_ID and FACEBOOK_APP_SECRET (and FACEBOOK_VERIFY_TOKEN for the webhook) and restart it."
      />
    </Card>
  );
}
