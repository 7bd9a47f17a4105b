/**
 * Uploading materials over plain fetch (multipart/form-data), for launch checks and the benchmark that drive a
 * running server: the files a claim needs, as `materials` ids.
 */
import { claimMaterialKinds } from './materials';

/** Uploads one small PDF per kind a claim of this kind needs; answers their ids. */
export async function uploadClaimMaterials(baseUrl: string, token: string, kind: string): Promise<string[]> {
  const ids: string[] = [];
  for (const k of claimMaterialKinds(kind)) {
    const form = new FormData();
    form.append('kind', k);
    form.append('file', new Blob([`%PDF-1.4\n% ${k} ${Date.now()} ${Math.random()}\n%%EOF\n`], { type: 'application/pdf' }), `${k}.pdf`);
    const r = await fetch(`${baseUrl}/api/v1/materials`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    const body = (await r.json()) as { id?: string };
    if (r.status !== 201 || !body.id) throw new Error(`upload ${k}: ${r.status} ${JSON.stringify(body)}`);
    ids.push(body.id);
  }
  return ids;
}
