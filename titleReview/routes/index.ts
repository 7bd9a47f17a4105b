/** Every route of the Zhejiang title review (URL prefix /api/v1/zhejiang, kept from the first API version), mounted once by api/app.ts. */
import { Router } from 'express';
import type { RouterDeps } from '../../platform/http/deps';
import { titleSessionRoutes } from './sessions';
import { titleCommitteeRoutes } from './committee';
import { titleBallotRoutes } from './ballots';
import { titleExpertRoutes } from './experts';
import { titleApplicationRoutes } from './applications';
import { titleSupplementRoutes } from './supplement';
import { titleCertificateRoutes } from './certificates';
import { expertAccountRoutes } from '../expertAccounts';

export { canSeeApplication } from './shared';

export function titleReviewRoutes(deps: RouterDeps): Router {
  const router = Router();
  for (const routes of [
    titleSessionRoutes,
    titleCommitteeRoutes,
    titleBallotRoutes,
    titleExpertRoutes,
    titleApplicationRoutes,
    titleSupplementRoutes,
    expertAccountRoutes,
    titleCertificateRoutes,
  ])
    router.use(routes(deps));
  return router;
}
