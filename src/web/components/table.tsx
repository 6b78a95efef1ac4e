// A GOV.UK table: a caption, a head row, body rows; numeric columns right-aligned; the first cell of each row
// may head it. A wide table can scroll sideways in its own box, so that a narrow screen scrolls the table
// and not the page (the box is focusable, for keyboards, and named by the caption).
import type { Child } from 'hono/jsx';

export interface TableColumn {
  head: Child;
  /** Right-aligned, head and cells. */
  numeric?: boolean;
  /** Classes for this column's body cells, e.g. `app-code`. */
  cellClass?: string;
}

interface TableBase {
  caption: Child;
  /** Classes added to the caption's, e.g. `app-break-words`. */
  captionClass?: string;
  /** The columns: a head alone, or a head with how its column is shown. */
  columns: Array<string | TableColumn>;
  /** One array of cells a row, in the order of `columns`. */
  rows: Child[][];
  /** The first cell of each row heads it (`<th scope="row">`). */
  rowHeads?: boolean;
  compact?: boolean;
  /**
   * On a narrow screen each row becomes a block, each cell under its column's head (the heads are given as
   * text), instead of a table to scroll sideways.
   */
  stack?: boolean;
  /** Classes added to the table's. */
  classes?: string;
  /** Hides the caption but for screen readers (a heading above already names the table). */
  hiddenCaption?: boolean;
  /** Shown, as a paragraph, instead of a table without rows. */
  empty?: Child;
}

export type TableProps = TableBase &
  (
    | { id?: string; scroll?: false }
    | {
        id: string;
        /** Scroll sideways in a box named by the caption (which takes the id `<id>-caption`). */
        scroll: true;
      }
  );

const join = (...classes: Array<string | false | undefined>) => classes.filter(Boolean).join(' ');

function Cell({
  column,
  head,
  label,
  children,
}: {
  column?: TableColumn;
  head: boolean;
  label?: string;
  children?: Child;
}) {
  if (head)
    return (
      <th scope="row" class={join('govuk-table__header', column?.numeric && 'govuk-table__header--numeric')}>
        {children}
      </th>
    );
  return (
    <td
      class={join('govuk-table__cell', column?.numeric && 'govuk-table__cell--numeric', column?.cellClass)}
      data-label={label}
    >
      {children}
    </td>
  );
}

export function Table(p: TableProps) {
  if (p.rows.length === 0 && p.empty !== undefined) return <p class="govuk-body">{p.empty}</p>;
  const columns = p.columns.map((c): TableColumn => (typeof c === 'string' ? { head: c } : c));
  const captionId = p.scroll ? `${p.id}-caption` : undefined;
  const table = (
    <table
      class={join('govuk-table', p.compact && 'app-table--compact', p.stack && 'app-table--stack', p.classes)}
      id={p.id}
    >
      <caption
        class={join(
          'govuk-table__caption govuk-table__caption--s',
          p.hiddenCaption && 'govuk-visually-hidden',
          p.captionClass,
        )}
        id={captionId}
      >
        {p.caption}
      </caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          {columns.map((c) => (
            <th scope="col" class={join('govuk-table__header', c.numeric && 'govuk-table__header--numeric')}>
              {c.head}
            </th>
          ))}
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {p.rows.map((cells) => (
          <tr class="govuk-table__row">
            {cells.map((cell, i) => (
              <Cell
                column={columns[i]}
                head={i === 0 && Boolean(p.rowHeads)}
                label={
                  p.stack && typeof columns[i]?.head === 'string' ? (columns[i]?.head as string) : undefined
                }
              >
                {cell}
              </Cell>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
  if (!p.scroll) return table;
  return (
    <section class="app-table-scroll" tabindex={0} aria-labelledby={captionId}>
      {table}
    </section>
  );
}
