/**
 * Accessibility repairs of Ant Design's markup that its components give no prop for (GB/T 37668-2019 / WCAG 2.0):
 * - Form.Item passes `aria-required` to its control; on a Select it lands on the wrapper <div> (not allowed there,
 *   and not where a screen reader looks): it is moved to the Select's combobox input.
 * - a Radio.Group is a plain <div>: it gets role="radiogroup" (where `aria-required` is allowed) and the name of its
 *   form label; a Checkbox.Group gets role="group".
 * - a table's row-selection checkbox has no label: it is named after its row's first cell.
 * One MutationObserver on the document keeps every page repaired as antd renders.
 */
function repair(root: ParentNode): void {
  root.querySelectorAll<HTMLElement>('.ant-select[aria-required]').forEach((sel) => {
    const req = sel.getAttribute('aria-required');
    sel.removeAttribute('aria-required');
    const input = sel.querySelector('input');
    if (input && req) input.setAttribute('aria-required', req);
  });
  // a table's row-selection checkboxes are named after their row (全选 in the header)
  root.querySelectorAll<HTMLInputElement>('.ant-table-selection-column input[type="checkbox"]:not([aria-label])').forEach((box) => {
    const row = box.closest('tr');
    if (!row) return;
    if (row.closest('thead')) {
      box.setAttribute('aria-label', '全选');
      return;
    }
    const cell = [...row.querySelectorAll('td')].find((td) => !td.classList.contains('ant-table-selection-column') && td.textContent?.trim());
    box.setAttribute('aria-label', `选择：${cell?.textContent?.trim() ?? ''}`);
  });
  root.querySelectorAll<HTMLElement>('.ant-radio-group:not([role])').forEach((g) => {
    g.setAttribute('role', 'radiogroup');
    labelFromForm(g);
  });
  root.querySelectorAll<HTMLElement>('.ant-checkbox-group:not([role])').forEach((g) => {
    g.setAttribute('role', 'group');
    g.removeAttribute('aria-required');
    labelFromForm(g);
  });
}

/** a group's accessible name: the form label whose `for` is the group's id */
function labelFromForm(g: HTMLElement): void {
  if (!g.id || g.hasAttribute('aria-labelledby') || g.hasAttribute('aria-label')) return;
  const label = document.querySelector<HTMLLabelElement>(`label[for="${CSS.escape(g.id)}"]`);
  if (!label) return;
  if (!label.id) label.id = `${g.id}-label`;
  g.setAttribute('aria-labelledby', label.id);
}

export function installA11yRepairs(): void {
  if (typeof MutationObserver === 'undefined') return;
  let queued = false;
  const run = () => {
    queued = false;
    repair(document);
  };
  new MutationObserver(() => {
    if (!queued) {
      queued = true;
      queueMicrotask(run);
    }
  }).observe(document.documentElement, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-required', 'class'] });
  run();
}
