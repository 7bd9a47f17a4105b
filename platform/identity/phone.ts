/** A phone number as shown to people who need not call it: the first 3 and last 4 digits (`139****2222`). */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return phone ?? null;
  const digits = phone.replace(/\s/g, '');
  return digits.length <= 7 ? '*'.repeat(digits.length) : `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}
