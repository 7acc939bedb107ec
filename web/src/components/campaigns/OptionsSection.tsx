import { Card, CardBody, CardHeader } from '../ui/Card';
import { Checkbox } from '../ui/Checkbox';
import { TextField } from '../ui/Field';
import type { CampaignDraft, DraftErrors } from './campaignDraft';

type OptionFields = Pick<CampaignDraft, 'name' | 'stopRules' | 'tracking'>;

interface OptionsSectionProps {
  value: OptionFields;
  errors: DraftErrors;
  disabled: boolean;
  onChange: (patch: Partial<OptionFields>, field: string) => void;
}

export function OptionsSection({ value, errors, disabled, onChange }: OptionsSectionProps) {
  const stop = (key: keyof CampaignDraft['stopRules'], on: boolean) => onChange({ stopRules: { ...value.stopRules, [key]: on } }, `stopRules.${key}`);
  const track = (key: keyof CampaignDraft['tracking'], on: boolean) => onChange({ tracking: { ...value.tracking, [key]: on } }, `tracking.${key}`);

  return (
    <div className="stack">
      <Card aria-labelledby="campaign-name-title">
        <CardHeader titleId="campaign-name-title" title="Name" description="Only your team sees it." />
        <CardBody>
          <TextField
            label="Campaign name"
            maxLength={200}
            autoComplete="off"
            value={value.name}
            error={errors.name}
            disabled={disabled}
            onChange={(event) => onChange({ name: event.target.value }, 'name')}
          />
        </CardBody>
      </Card>
      <Card aria-labelledby="campaign-stop-title">
        <CardHeader
          titleId="campaign-stop-title"
          title="Stop the sequence for a contact when…"
          description="Bounces, unsubscribes and complaints always stop every campaign for that contact."
        />
        <CardBody className="form">
          <Checkbox
            label="They reply"
            description="Recommended: follow-ups after a reply look automated."
            checked={value.stopRules.onReply}
            disabled={disabled}
            onChange={(event) => stop('onReply', event.target.checked)}
          />
          <Checkbox
            label="Someone at their company replies"
            description="A reply from any address at the same domain stops everyone there."
            checked={value.stopRules.onDomainReply}
            disabled={disabled}
            onChange={(event) => stop('onDomainReply', event.target.checked)}
          />
          <Checkbox
            label="They click a link"
            checked={value.stopRules.onClick}
            disabled={disabled}
            onChange={(event) => stop('onClick', event.target.checked)}
          />
        </CardBody>
      </Card>
      <Card aria-labelledby="campaign-tracking-title">
        <CardHeader
          titleId="campaign-tracking-title"
          title="Tracking"
          description="Opens and clicks from known link scanners and privacy proxies are not counted."
        />
        <CardBody className="form">
          <Checkbox
            label="Track opens"
            description="Adds an invisible image. Some mail apps block it, so open rates are estimates."
            checked={value.tracking.opens}
            disabled={disabled}
            onChange={(event) => track('opens', event.target.checked)}
          />
          <Checkbox
            label="Track clicks"
            description="Links go through your tracking domain first. Plain links can help deliverability."
            checked={value.tracking.clicks}
            disabled={disabled}
            onChange={(event) => track('clicks', event.target.checked)}
          />
        </CardBody>
      </Card>
    </div>
  );
}
