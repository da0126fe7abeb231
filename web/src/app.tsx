/** Signed out: the sign-in screen. Signed in: the app frame with the page the URL names. */

import { AccountsProvider } from './accounts/accounts-context';
import { AccountsPage } from './accounts/accounts-page';
import { AuthPage } from './auth/auth-page';
import { AppLayout } from './layout/app-layout';
import { type Route, useRoute } from './navigation/use-route';
import { OperatorPage } from './operator/operator-page';
import { useSession } from './session/use-session';
import { HistoryPage } from './transfers/history-page';
import { SendMoneyPage } from './transfers/send-money-page';

function PageFor({ route }: { route: Route }) {
  switch (route.page) {
    case 'send':
      return <SendMoneyPage key={route.params.get('from') ?? ''} from={route.params.get('from')} />;
    case 'history':
      return <HistoryPage key={route.params.get('account') ?? ''} account={route.params.get('account')} />;
    case 'operator':
      return <OperatorPage />;
    default:
      return <AccountsPage />;
  }
}

export function App() {
  const session = useSession();
  const [route] = useRoute();
  if (!session) return <AuthPage />;
  return (
    // A new user gets a fresh accounts store: nothing of the previous session survives.
    <AccountsProvider key={session.claims.userId} ownerId={session.claims.userId}>
      <AppLayout page={route.page}>
        <PageFor route={route} />
      </AppLayout>
    </AccountsProvider>
  );
}
