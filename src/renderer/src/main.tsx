import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from './App';
import { takeApiToken } from './api/api-token';
import { createHttpClient } from './api/http-client';
import { applyTheme, storedTheme } from './store/settings-store';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element to mount Hippo into.');

// Chosen once: inside the desktop app the preload provides window.hippo; in a plain browser the
// page talks to the `hippo serve` that served it, with the token from the link it printed. The
// screens see one HippoClient either way.
const client =
  window.hippo ??
  createHttpClient(
    takeApiToken({
      href: window.location.href,
      replaceUrl: (url) => window.history.replaceState(window.history.state, '', url),
      storage: window.sessionStorage,
    }),
  );

// The theme last used, before the first paint: the saved setting arrives a moment later.
try {
  applyTheme(document.documentElement, storedTheme(window.localStorage));
} catch {
  // No localStorage in this window: the system theme until the setting arrives.
}

createRoot(container).render(
  <StrictMode>
    <App
      client={client}
      version={window.hippo?.version}
      // The quick-capture window loads the same page at #capture.
      view={window.location.hash === '#capture' ? 'capture' : 'main'}
    />
  </StrictMode>,
);
