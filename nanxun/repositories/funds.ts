/** The re-reviewing bodies' yearly fund budgets. */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

export async function setFundBudget(db: Kysely<Database>, b: { orgCode: string; year: number; budgetYuan: number; setBy: string; at: Date }): Promise<void> {
  await db
    .insertInto('fund_budget')
    .values({ org_code: b.orgCode, year: b.year, budget_yuan: b.budgetYuan, set_by: b.setBy, updated_at: b.at })
    .onConflict((oc) => oc.columns(['org_code', 'year']).doUpdateSet({ budget_yuan: b.budgetYuan, set_by: b.setBy, updated_at: b.at }))
    .execute();
}
