/** The first editions as the migrations load them (the versioned files), for tests that build claims as the API does. */
import nanxun2019 from '../../nanxun/policy/editions/nanxun-talent-2019-01-01.json';
import type { PolicyEdition } from '../../platform/policy/edition';
import { nanxunTerms } from '../../nanxun/policy/terms';

export const nanxunFirstEdition = nanxun2019 as unknown as PolicyEdition;
export const nanxunFirstTerms = nanxunTerms(nanxunFirstEdition);
