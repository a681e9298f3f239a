/**
 * On a phone (≤ 600 px) every data table is shown as a stack of cards, one per row (app.css). A cell cut loose
 * from its column then needs the column's name beside it, which the stylesheet reads from a `data-label`
 * attribute. Rather than repeat every header in every page's markup, the layout names the cells of each
 * `table.data` after its header row, and again whenever a page renders new rows (a MutationObserver).
 */

/** A header's words as a sighted reader sees them: decorations marked aria-hidden (sort arrows) left out. */
function headerText(th: HTMLTableCellElement): string {
  const copy = th.cloneNode(true) as HTMLElement;
  for (const hidden of copy.querySelectorAll('[aria-hidden="true"]')) hidden.remove();
  return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** Names each body cell of each data table under `root` after its column's header (colspans counted). */
export function labelTableCells(root: ParentNode): void {
  for (const table of root.querySelectorAll<HTMLTableElement>('table.data')) {
    const head = table.tHead?.rows[table.tHead.rows.length - 1];
    if (!head) continue;
    const labels: string[] = [];
    for (const th of head.cells) {
      const text = headerText(th);
      for (let i = 0; i < th.colSpan; i++) labels.push(text);
    }
    const sections = table.tFoot ? [...table.tBodies, table.tFoot] : [...table.tBodies];
    for (const section of sections) {
      for (const row of section.rows) {
        let column = 0;
        for (const cell of row.cells) {
          // A cell spanning several columns (a "nothing here" row) has no one name.
          const label = cell.colSpan === 1 && cell.tagName === 'TD' ? labels[column] : undefined;
          column += cell.colSpan;
          if (label && cell.getAttribute('data-label') !== label) cell.setAttribute('data-label', label);
          else if (!label && cell.hasAttribute('data-label')) cell.removeAttribute('data-label');
        }
      }
    }
  }
}

/** Keeps the tables under `root` labelled as pages render; returns the clean-up. */
export function keepTablesLabelled(root: HTMLElement): () => void {
  labelTableCells(root);
  // Setting attributes is not observed (only nodes and text), so labelling never triggers itself.
  const observer = new MutationObserver(() => labelTableCells(root));
  observer.observe(root, { childList: true, subtree: true, characterData: true });
  return () => observer.disconnect();
}
