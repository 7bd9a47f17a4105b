import type { Kysely } from 'kysely';
import { insertEdition } from '../../platform/policy/repository';
import type { PolicyEdition } from '../../platform/policy/edition';
import seed2019 from '../policy/editions/zhejiang-title-2019-12-04.json';

/** The edition of the title review's rules (seed 004, 自2019年12月4日起施行), from the versioned file titleReview/policy/editions/. */
export async function up(db: Kysely<any>): Promise<void> {
  await insertEdition(db, seed2019 as unknown as PolicyEdition);
}

export async function down(_db: Kysely<any>): Promise<void> {}
