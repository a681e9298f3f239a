import { ErrorBoundary, LocationProvider, Route, Router, lazy } from 'preact-iso';
import { Layout } from './layout.js';
import { currentUser } from './session.js';

// One chunk per page: the shell loads only the page it shows.
const MyDay = lazy(() => import('./pages/my-day.js'));
const Overview = lazy(() => import('./pages/overview.js'));
const Accounts = lazy(() => import('./pages/accounts.js'));
const Account = lazy(() => import('./pages/account.js'));
const Tasks = lazy(() => import('./pages/tasks.js'));
const Task = lazy(() => import('./pages/task.js'));
const Campaigns = lazy(() => import('./pages/campaigns.js'));
const CampaignNew = lazy(() => import('./pages/campaign-new.js'));
const Campaign = lazy(() => import('./pages/campaign.js'));
const Surveys = lazy(() => import('./pages/surveys.js'));
const Survey = lazy(() => import('./pages/survey.js'));
const AdminUsers = lazy(() => import('./pages/admin-users.js'));
const AdminApiKeys = lazy(() => import('./pages/admin-api-keys.js'));
const AdminRules = lazy(() => import('./pages/admin-rules.js'));
const AdminSettings = lazy(() => import('./pages/admin-settings.js'));
const AdminIndicators = lazy(() => import('./pages/admin-indicators.js'));
const AdminEventTypes = lazy(() => import('./pages/admin-event-types.js'));
const AdminAuditLog = lazy(() => import('./pages/admin-audit-log.js'));
const AdminWebhooks = lazy(() => import('./pages/admin-webhooks.js'));
const AdminChat = lazy(() => import('./pages/admin-chat.js'));
const AdminHubspot = lazy(() => import('./pages/admin-hubspot.js'));
const AdminImportDelighted = lazy(() => import('./pages/admin-import-delighted.js'));
const ProgramSelection = lazy(() => import('./pages/program-selection.js'));
const ProgramValue = lazy(() => import('./pages/program-value.js'));
const ProgramEvaluation = lazy(() => import('./pages/program-evaluation.js'));
const Scorecards = lazy(() => import('./pages/scorecards.js'));
const AccountPlan = lazy(() => import('./pages/account-plan.js'));
const AccountPartnership = lazy(() => import('./pages/account-partnership.js'));
const Profile = lazy(() => import('./pages/profile.js'));
const Emails = lazy(() => import('./pages/emails.js'));
const Email = lazy(() => import('./pages/email.js'));
const TeamPulse = lazy(() => import('./pages/team-pulse.js'));
const NotFound = lazy(() => import('./pages/not-found.js'));

/** `/` is where each role starts: managers on their day, executives and admins on the portfolio. */
function Home() {
  return currentUser.value?.role === 'account_manager' ? <MyDay /> : <Overview />;
}

/** Links outside the app (the API, the email log, sign-in, survey pages) are ordinary page loads. */
const appLinks = /^\/(?!api\/|outbox|signin|signout|s\/|u\/|assets\/|webhooks\/)/;

export function App() {
  return (
    <LocationProvider scope={appLinks}>
      <Layout>
        <ErrorBoundary>
          <Router>
            <Route path="/" component={Home} />
            <Route path="/my-day" component={MyDay} />
            <Route path="/team-pulse" component={TeamPulse} />
            <Route path="/overview" component={Overview} />
            <Route path="/accounts" component={Accounts} />
            <Route path="/accounts/:id" component={Account} />
            <Route path="/accounts/:id/plan" component={AccountPlan} />
            <Route path="/accounts/:id/partnership" component={AccountPartnership} />
            <Route path="/tasks" component={Tasks} />
            <Route path="/tasks/:id" component={Task} />
            <Route path="/campaigns" component={Campaigns} />
            <Route path="/campaigns/new" component={CampaignNew} />
            <Route path="/campaigns/:id" component={Campaign} />
            <Route path="/surveys" component={Surveys} />
            <Route path="/surveys/:id" component={Survey} />
            <Route path="/program" component={ProgramSelection} />
            <Route path="/program/selection" component={ProgramSelection} />
            <Route path="/program/value" component={ProgramValue} />
            <Route path="/program/evaluation" component={ProgramEvaluation} />
            <Route path="/program/scorecards" component={Scorecards} />
            <Route path="/admin" component={AdminUsers} />
            <Route path="/admin/users" component={AdminUsers} />
            <Route path="/admin/api-keys" component={AdminApiKeys} />
            <Route path="/admin/rules" component={AdminRules} />
            <Route path="/admin/settings" component={AdminSettings} />
            <Route path="/admin/indicators" component={AdminIndicators} />
            <Route path="/admin/event-types" component={AdminEventTypes} />
            <Route path="/admin/audit-log" component={AdminAuditLog} />
            <Route path="/admin/webhooks" component={AdminWebhooks} />
            <Route path="/admin/chat" component={AdminChat} />
            <Route path="/admin/hubspot" component={AdminHubspot} />
            <Route path="/admin/import-delighted" component={AdminImportDelighted} />
            <Route path="/profile" component={Profile} />
            <Route path="/emails" component={Emails} />
            <Route path="/emails/:id" component={Email} />
            <Route default component={NotFound} />
          </Router>
        </ErrorBoundary>
      </Layout>
    </LocationProvider>
  );
}
