/**
 * The kinds of material any process may ask for, limits, and checks of a file's content. Which kinds a subject
 * needs is its domain's (SubjectProvider.requiredMaterials). Pure: no I/O.
 */
export const MATERIAL_KINDS = ['id_card', 'certificate', 'contract', 'social_insurance', 'tax', 'achievement', 'other'] as const;
export type MaterialKind = (typeof MATERIAL_KINDS)[number];

export const MATERIAL_MEDIA_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type MaterialMediaType = (typeof MATERIAL_MEDIA_TYPES)[number];

/** a subject type of an installed domain (platform/plugins) */
export type MaterialSubjectType = string;

/** 10 MB per file, 50 MB per claim or application (everything attached to it). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_SUBJECT_BYTES = 50 * 1024 * 1024;
/** Uploaded but not yet attached, per account: an upper bound on what one applicant can park. */
export const MAX_UNATTACHED_BYTES = 100 * 1024 * 1024;
/** Files attached to one subject at most. */
export const MAX_SUBJECT_FILES = 40;

/** 中文 names of the kinds (problem details, console). */
export const MATERIAL_KIND_LABELS: Record<MaterialKind, string> = {
  id_card: '身份证复印件',
  certificate: '证书复印件',
  contract: '劳动合同',
  social_insurance: '社保缴纳证明',
  tax: '个人所得税缴纳证明',
  achievement: '业绩材料',
  other: '其他材料',
};

/** The required kinds not among `present`, in the order the form lists them. */
export function missingKinds(required: readonly string[], present: readonly string[]): string[] {
  const have = new Set(present);
  return required.filter((k) => !have.has(k));
}

/**
 * The media type of a file judged by its first bytes (magic numbers), never by its name or the client's header:
 * PDF `%PDF-`, PNG `89 50 4E 47 0D 0A 1A 0A`, JPEG `FF D8 FF`. Anything else is null.
 */
export function sniffMediaType(bytes: Uint8Array): MaterialMediaType | null {
  const starts = (sig: number[], at = 0) => bytes.length >= at + sig.length && sig.every((b, i) => bytes[at + i] === b);
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  return null;
}
