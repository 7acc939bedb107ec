import { useNavigate, useSearch } from '@tanstack/react-router';
import { useWorkspace } from '../api/me';
import { ListsPanel } from '../components/lists/ListsPanel';
import { SegmentsPanel } from '../components/lists/SegmentsPanel';
import { PageHeader } from '../components/layout/PageHeader';
import { TabPanel, Tabs } from '../components/ui/Tabs';

type Tab = 'lists' | 'segments';

export function ListsPage() {
  const { id: workspaceId } = useWorkspace();
  const { tab = 'lists' } = useSearch({ from: '/app/lists' });
  const navigate = useNavigate({ from: '/lists' });

  return (
    <div className="page">
      <PageHeader title="Lists & segments" description="Group contacts by hand with lists, or by rules with segments." />
      <Tabs<Tab>
        id="audience"
        label="Lists and segments"
        value={tab}
        onChange={(next) => void navigate({ search: next === 'lists' ? {} : { tab: next }, replace: true })}
        tabs={[
          { id: 'lists', label: 'Lists' },
          { id: 'segments', label: 'Segments' },
        ]}
      />
      <TabPanel id="audience" tab={tab}>
        {tab === 'lists' ? <ListsPanel workspaceId={workspaceId} /> : <SegmentsPanel workspaceId={workspaceId} />}
      </TabPanel>
    </div>
  );
}
