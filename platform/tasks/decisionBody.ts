/**
 * The body of POST /api/v1/tasks/:id/decision: the kernel's fields (decision, comment, missingKinds, applicationId)
 * and every installed domain's (DomainPlugin.decisionFields), one strict schema. Built when the routes are
 * declared, after the composition root installed the domains; the same set of domains gives the same schema.
 */
import { z, type ZodType } from 'zod';
import { registry } from '../http/route';
import { decisionBaseFields } from '../http/schemas';
import { domains } from '../plugins/registry';

let built: { key: string; schema: ZodType } | undefined;

export function decisionBodySchema(): ZodType {
  const fields: Record<string, ZodType> = {};
  for (const d of domains()) Object.assign(fields, d.decisionFields ?? {});
  const key = Object.keys(fields).sort().join(',');
  if (built?.key !== key) built = { key, schema: registry.register('DecisionBody', z.object({ ...decisionBaseFields, ...fields }).strict()) };
  return built.schema;
}
