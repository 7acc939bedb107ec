import type { Billing } from '../../api/billing';
import { formatDate } from '../../lib/format';
import { Card, CardBody, CardHeader } from '../ui/Card';
import { ProgressBar } from '../ui/ProgressBar';
import { formatCount, formatLimit, LIMITS } from './limits';

/** One bar per limit: what the workspace holds (or sent this month) against what its plan allows. */
export function UsageCard({ billing }: { billing: Billing }) {
  return (
    <Card aria-labelledby="billing-usage-title">
      <CardHeader titleId="billing-usage-title" title="Usage" description={`Messages are counted from ${formatDate(billing.usagePeriodStart)} (UTC) and reset each month.`} />
      <CardBody>
        <ul className="billing-usage">
          {LIMITS.map(({ key, label }) => {
            const used = billing.usage[key];
            const allowed = billing.plan.limits[key];
            const percent = allowed === null ? 0 : allowed === 0 ? 100 : (used / allowed) * 100;
            const valueText = `${formatCount(used)} of ${formatLimit(allowed)}`;
            return (
              <li key={key} className="billing-usage-row">
                <div className="billing-usage-label">
                  <span>{label}</span>
                  <span className={percent >= 100 ? 'billing-usage-value billing-usage-full' : 'billing-usage-value'}>{valueText}</span>
                </div>
                <ProgressBar label={label} percent={percent} valueText={valueText} showLabel={false} tone={percent >= 100 ? 'danger' : 'accent'} />
              </li>
            );
          })}
        </ul>
      </CardBody>
    </Card>
  );
}
