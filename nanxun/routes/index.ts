/** Every route of the Nanxun reward claims (URL prefix /api/v1/nanxun), mounted once by api/app.ts. */
import { Router } from 'express';
import type { AppDeps } from '../../platform/http/deps';
import { claimRoutes } from './claims';
import { nanxunActionRoutes } from './actions';
import { fundRoutes } from './funds';
import { applicationPeriodRoutes } from './applicationPeriods';

export function nanxunRoutes(deps: AppDeps): Router {
  const router = Router();
  for (const routes of [claimRoutes, nanxunActionRoutes, fundRoutes, applicationPeriodRoutes]) router.use(routes(deps));
  return router;
}
