/**
 * Who holds the key shares of a threshold ballot (docs/security.md, "The ballot threshold option"): the committee
 * chair (x = 1) and the two vice-chairs (x = 2, 3, by expert id). Two shares open the papers. Pure: the session
 * workflow's validators and the ballot box both use it.
 */
export const SHARE_THRESHOLD = 2;
export const SHARE_HOLDERS = 3;

export interface ShareHolder {
  x: number;
  expertId: string;
  role: 'chair' | 'vice_chair';
}

export function shareHolders(members: readonly { expertId: string; role: string }[]): ShareHolder[] {
  const chair = members.filter((m) => m.role === 'chair').map((m) => m.expertId);
  const vices = members
    .filter((m) => m.role === 'vice_chair')
    .map((m) => m.expertId)
    .sort();
  return [...chair.map((expertId) => ({ expertId, role: 'chair' as const })), ...vices.map((expertId) => ({ expertId, role: 'vice_chair' as const }))].map(
    (h, i) => ({ ...h, x: i + 1 }),
  );
}
