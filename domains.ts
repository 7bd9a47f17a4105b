/**
 * The processes this deployment runs, each a plug-in of the kernel (platform/plugins). The composition roots
 * (api/app.ts, activities/index.ts, workflows/index.ts, db/migrator.ts) install them; adding a process adds one line
 * here (docs/CONVENTIONS.md, "Adding a process").
 */
import type { DomainPlugin } from './platform/plugins/domainPlugin';
import { nanxunPlugin } from './nanxun/plugin';
import { titleReviewPlugin } from './titleReview/plugin';

export const DOMAINS: readonly DomainPlugin[] = [nanxunPlugin, titleReviewPlugin];
