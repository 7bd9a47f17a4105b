/** A title application (职称申报) is a file of achievements: at least one. Pure: no I/O. */
import type { MaterialKind } from '../platform/materials/requirements';

export function applicationMaterialKinds(): MaterialKind[] {
  return ['achievement'];
}
