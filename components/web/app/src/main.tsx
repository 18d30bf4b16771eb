import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ErrorBoundary, LocationProvider, Route, Router, lazy, useLocation } from "preact-iso";
import { onSessionChange, renew } from "./api/session";
import { Layout } from "./ui/Layout";
import { Loading, NotFound } from "./ui/kit";
import { Login, Register } from "./pages/Auth";
import { ConfirmEmailChange, ForgotPassword, ResetPassword, UndoEmailChange, VerifyEmail } from "./pages/Recovery";
import "./styles.css";

// Screens past the first load on demand: the sign-in screen and the dashboard ship first.
const Dashboard = lazy(() => import("./pages/Dashboard"));
const Clients = lazy(() => import("./pages/Clients"));
const ClientEdit = lazy(() => import("./pages/ClientEdit"));
const Catalogue = lazy(() => import("./pages/Catalogue"));
const Invoices = lazy(() => import("./pages/Invoices"));
const InvoiceEdit = lazy(() => import("./pages/InvoiceEdit"));
const InvoiceView = lazy(() => import("./pages/InvoiceView"));
const Recurring = lazy(() => import("./pages/Recurring"));
const RecurringEdit = lazy(() => import("./pages/RecurringEdit"));
const RecurringView = lazy(() => import("./pages/RecurringView"));
const Quotes = lazy(() => import("./pages/Quotes"));
const QuoteEdit = lazy(() => import("./pages/QuoteEdit"));
const QuoteView = lazy(() => import("./pages/QuoteView"));
const Payments = lazy(() => import("./pages/Payments"));
const Settings = lazy(() => import("./pages/Settings"));
const Security = lazy(() => import("./pages/Security"));

function App() {
  // Unknown until the refresh cookie has been tried: a reload keeps the session.
  const [signedIn, setSignedIn] = useState<boolean | null>(null);
  useEffect(() => {
    const stop = onSessionChange(setSignedIn);
    void renew().then(setSignedIn);
    return stop;
  }, []);
  if (signedIn === null) return <Loading />;
  return signedIn ? <SignedIn /> : <SignedOut />;
}

function SignedOut() {
  const { path } = useLocation();
  switch (path) {
    case "/app/register":
      return <Register />;
    case "/app/forgot-password":
      return <ForgotPassword />;
    case "/app/reset-password":
      return <ResetPassword />;
    case "/app/verify-email":
      return <VerifyEmail signedIn={false} />;
    case "/app/confirm-email":
      return <ConfirmEmailChange signedIn={false} />;
    case "/app/undo-email-change":
      return <UndoEmailChange />;
    default:
      return <Login />;
  }
}

function SignedIn() {
  const { path, route } = useLocation();
  useEffect(() => {
    // Signing in lands on the dashboard; a new account first fills in its business profile.
    if (path === "/" || path === "/app/login") route("/app", true);
    if (path === "/app/register") route("/app/settings", true);
  }, [path]);
  return (
    <Layout>
      <ErrorBoundary>
        <Router>
          <Route path="/app" component={Dashboard} />
          <Route path="/app/clients" component={Clients} />
          <Route path="/app/clients/new" component={ClientEdit} />
          <Route path="/app/clients/:id" component={ClientEdit} />
          <Route path="/app/catalogue" component={Catalogue} />
          <Route path="/app/invoices" component={Invoices} />
          <Route path="/app/invoices/new" component={InvoiceEdit} />
          <Route path="/app/invoices/:id/edit" component={InvoiceEdit} />
          <Route path="/app/invoices/:id" component={InvoiceView} />
          <Route path="/app/quotes" component={Quotes} />
          <Route path="/app/quotes/new" component={QuoteEdit} />
          <Route path="/app/quotes/:id/edit" component={QuoteEdit} />
          <Route path="/app/quotes/:id" component={QuoteView} />
          <Route path="/app/recurring" component={Recurring} />
          <Route path="/app/recurring/new" component={RecurringEdit} />
          <Route path="/app/recurring/:id/edit" component={RecurringEdit} />
          <Route path="/app/recurring/:id" component={RecurringView} />
          <Route path="/app/payments" component={Payments} />
          <Route path="/app/settings" component={Settings} />
          <Route path="/app/security" component={Security} />
          <Route path="/app/verify-email" component={() => <VerifyEmail signedIn />} />
          <Route path="/app/reset-password" component={ResetPassword} />
          <Route path="/app/confirm-email" component={() => <ConfirmEmailChange signedIn />} />
          <Route path="/app/undo-email-change" component={UndoEmailChange} />
          <Route path="/app/forgot-password" component={ForgotPassword} />
          <Route default component={() => <NotFound what="Page" />} />
        </Router>
      </ErrorBoundary>
    </Layout>
  );
}

const root = document.getElementById("app");
if (root) {
  render(
    <LocationProvider>
      <App />
    </LocationProvider>,
    root,
  );
}
