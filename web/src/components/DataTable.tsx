import type { ComponentChildren } from 'preact';

/** A column head; `class` is for the head (`num`: figures, right-aligned). */
export interface ColumnHead {
  head: string;
  class?: string;
}

/** A table of rows in its scrolling frame, `data-table={name}` for tests, with its column heads (falsy ones left out). */
export function DataTable({ name, caption, columns, children }: { name: string; caption?: string; columns: (ColumnHead | false)[]; children: ComponentChildren }) {
  return (
    <div class="table-wrap">
      <table class="data-table" data-table={name}>
        {caption && <caption class="visually-hidden">{caption}</caption>}
        <thead>
          <tr>
            {columns.map(
              (column) =>
                column && (
                  <th key={column.head} scope="col" class={column.class}>
                    {column.head}
                  </th>
                ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
