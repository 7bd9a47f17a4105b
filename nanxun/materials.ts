/**
 * Which materials a Nanxun claim needs, from the forms:
 * - 附件2-1 (certificate claim): the unit checks the ID card copy and the certificate copy against the originals.
 * - 附件2-2 (shortage talent): in addition the labour contract and a full year's proof of social insurance and of
 *   individual income tax.
 * A high-level talent claim (高层次人才) needs none here yet (its form is not one of those). Pure: no I/O.
 */
import type { MaterialKind } from '../platform/materials/requirements';

export function claimMaterialKinds(kind: string): MaterialKind[] {
  if (kind === 'certificate') return ['id_card', 'certificate'];
  if (kind === 'shortage_talent') return ['id_card', 'certificate', 'contract', 'social_insurance', 'tax'];
  return [];
}
