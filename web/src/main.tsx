import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { App as AntApp } from 'antd';
import './lib/time';
import './styles.css';
import { AuthProvider } from './auth';
import { AppRoutes } from './routes';
import { DisplayProvider } from './display';
import { installA11yRepairs } from './lib/a11y';

installA11yRepairs();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <DisplayProvider>
      {/* toasts inside a labelled region (a landmark), not loose in <body> */}
      <AntApp message={{ getContainer: () => document.getElementById('toasts') ?? document.body }}>
        <AuthProvider>
          <BrowserRouter>
            <AppRoutes />
          </BrowserRouter>
        </AuthProvider>
      </AntApp>
    </DisplayProvider>
  </StrictMode>,
);
