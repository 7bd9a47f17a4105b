/**
 * A table on a desk, cards on a phone: below the md breakpoint (768 px) each row becomes a card listing the
 * columns' titles and values, so nothing is cut off at the right edge. Row attributes from `onRow` (data-*, test
 * ids, clicks) go to the card; each value is marked `data-cell` as a table's cells are <td>.
 */
import type { HTMLAttributes, Key, ReactNode } from 'react';
import { Card, Empty, Grid, Table } from 'antd';
import type { TableProps } from 'antd';
import type { ColumnType } from 'antd/es/table';

function valueAt(record: object, path: unknown): unknown {
  if (path == null) return undefined;
  const keys = Array.isArray(path) ? path : [path];
  let v: unknown = record;
  for (const k of keys) v = v == null ? undefined : (v as Record<string, unknown>)[String(k)];
  return v;
}

export function ResponsiveTable<T extends object>(props: TableProps<T>) {
  const screens = Grid.useBreakpoint();
  // before the first measurement the breakpoints are unknown: the desk layout
  if (screens.md !== false) return <Table<T> {...props} />;
  const columns = ((props.columns ?? []) as ColumnType<T>[]).filter((c) => !c.hidden);
  const data = (props.dataSource ?? []) as readonly T[];
  if (props.loading && !data.length) return <Card loading size="small" />;
  const empty = props.locale?.emptyText;
  if (!data.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={typeof empty === 'function' ? empty() : (empty ?? '暂无数据')} />;
  const keyOf = (r: T, i: number): Key =>
    typeof props.rowKey === 'function' ? props.rowKey(r, i) : ((valueAt(r, props.rowKey ?? 'key') as Key | undefined) ?? i);
  return (
    <div className="table-cards" role="list">
      {data.map((r, i) => {
        const { onClick, ...attrs } = (props.onRow?.(r, i) ?? {}) as HTMLAttributes<HTMLElement>;
        const cls = typeof props.rowClassName === 'function' ? props.rowClassName(r, i, 0) : props.rowClassName;
        return (
          <div key={keyOf(r, i)} role="listitem" className={`table-card ${cls ?? ''}`} onClick={onClick} {...(attrs as HTMLAttributes<HTMLDivElement>)}>
            <dl>
              {columns.map((c, j) => {
                const v = valueAt(r, c.dataIndex);
                const shown = c.render ? c.render(v, r, i) : v;
                const content = (
                  shown && typeof shown === 'object' && 'children' in (shown as object) && !('$$typeof' in (shown as object))
                    ? (shown as { children: ReactNode }).children
                    : shown
                ) as ReactNode;
                return (
                  <div className="table-card-field" key={String(c.key ?? c.dataIndex ?? j)}>
                    <dt>{c.title as ReactNode}</dt>
                    <dd data-cell="">{content ?? '—'}</dd>
                  </div>
                );
              })}
            </dl>
          </div>
        );
      })}
    </div>
  );
}
