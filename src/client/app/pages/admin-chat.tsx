import { usePageTitle } from '../use-page-title.js';
import { AdminFrame } from '../components/admin-tabs.js';
import { ChatChannelsPanel } from '../components/chat-channels.js';

/** Admin · Slack and Teams: channels that hear about every account (people add their own on their profile). */
export default function AdminChat() {
  usePageTitle('Slack and Teams · Admin');
  return (
    <AdminFrame current="/admin/chat" title="Slack and Teams">
      <p>
        Detractor alerts and the Monday risk summary, posted to a Slack or Microsoft Teams channel. Channels added here hear
        about <strong>every account</strong>. Anyone can add a channel of their own, for only the accounts they own, on{' '}
        <a href="/profile#chat-alerts">their profile</a>. The webhook URL is stored encrypted and never shown again.
      </p>
      <ChatChannelsPanel scope="installation" />
    </AdminFrame>
  );
}
