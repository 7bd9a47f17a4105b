/** How editions are shown: the list (API.md "Added in the third round") and one edition with its parameters. */
import { editionStatus, effectiveEnd, type PolicyEdition } from './edition';

export function editionSummary(e: PolicyEdition, all: readonly PolicyEdition[], now: Date) {
  const end = effectiveEnd(e, all);
  return {
    id: e.id,
    policy: e.policy,
    title: e.title,
    documentNo: e.documentNo,
    issuer: e.issuer,
    effectiveFrom: e.effectiveFrom,
    ...(end ? { effectiveTo: end } : {}),
    status: editionStatus(e, all, now),
    basedOn: e.basedOn,
    publishedAt: e.publishedAt,
  };
}

export function editionView(e: PolicyEdition, all: readonly PolicyEdition[], now: Date) {
  return { ...editionSummary(e, all, now), reason: e.reason, parameters: e.parameters };
}
