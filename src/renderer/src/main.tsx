import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from './App';
import { takeApiToken } from './api/api-token';
import { createHttpApi } from './api/http-api';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element to mount Hippo into.');

// Inside the desktop app the preload provides window.hippo; in a plain browser the page talks to
// the `hippo serve` that served it, with the token from the link it printed.
const api = window.hippo
  ? null
  : createHttpApi(
      takeApiToken({
        href: window.location.href,
        replaceUrl: (url) => window.history.replaceState(window.history.state, '', url),
        storage: window.sessionStorage,
      }),
    );

createRoot(container).render(
  <StrictMode>
    <App api={api} />
  </StrictMode>,
);
