/** Key rotation of the Nanxun claims: the claim view (a projection of claim rows) is rebuilt with the new ciphertexts. */
import type { KeyRotationHooks } from '../platform/plugins/domainPlugin';
import { refreshClaimView } from '../platform/migrations/0021_personal_data_encryption';

export const claimKeyRotation: KeyRotationHooks = {
  async rotate(db) {
    await refreshClaimView(db);
    return 0;
  },
  outdated: async () => 0,
};
