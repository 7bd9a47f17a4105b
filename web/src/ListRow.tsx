import type { ReactNode } from 'react';
/**
 * One row of a list: an optional thumbnail, a title line and a description. Not antd's List.Item.Meta, whose title
 * is an <h4>: a list row (a file, a claim, a message) is no heading, and an <h4> under the page's <h1> skips levels.
 */
export function ListRow({ avatar, title, description }: { avatar?: ReactNode; title: ReactNode; description?: ReactNode }) {
  return (
    <div className="list-row">
      {avatar ? <div className="list-row-avatar">{avatar}</div> : null}
      <div className="list-row-body">
        <div className="list-row-title">{title}</div>
        {description != null ? <div className="list-row-description">{description}</div> : null}
      </div>
    </div>
  );
}
