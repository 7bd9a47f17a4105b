/** Every route of the Zhejiang title review (URL prefix /api/v1/zhejiang, kept from the first API version). */
import { Router } from 'express';
import type { AppDeps } from '../../platform/http/deps';
import { titleSessionRoutes } from './sessions';
import { titleCommitteeRoutes } from './committee';
import { titleBallotRoutes } from './ballots';
import { titleExpertRoutes } from './experts';
import { titleApplicationRoutes } from './applications';

export { canSeeApplication } from './shared';

export function titleReviewRoutes(deps: AppDeps): Router {
  const router = Router();
  for (const routes of [titleSessionRoutes, titleCommitteeRoutes, titleBallotRoutes, titleExpertRoutes, titleApplicationRoutes]) router.use(routes(deps));
  return router;
}
