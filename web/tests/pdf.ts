/**
 * Printing a page as a person's Chromium prints it (A4, the page's own @page rules) and counting the PDF's pages.
 */
import type { Page } from 'playwright-core';

/** the number of pages in a PDF (its /Type /Page objects; Chromium writes no object streams) */
export function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}

/** prints the page to PDF on A4 with the given margins (default: the page's own @page margins) and counts its pages */
export async function printedPages(page: Page, margin?: string): Promise<number> {
  await page.emulateMedia({ media: 'print' });
  try {
    const pdf = await page.pdf(
      margin === undefined ? { format: 'A4', preferCSSPageSize: true } : { format: 'A4', margin: { top: margin, bottom: margin, left: margin, right: margin } },
    );
    return pdfPageCount(pdf);
  } finally {
    await page.emulateMedia({ media: 'screen' });
  }
}
