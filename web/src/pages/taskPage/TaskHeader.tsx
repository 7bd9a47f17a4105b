import { Link } from 'react-router-dom';
import { Button, Card, Descriptions, Space } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import type { Claim, Task } from '../../lib/api';
import { decision as decisionLabel, taskKind } from '../../lib/labels';
import { fmt, fmtDate } from '../../lib/time';
import { ClaimStatusTag, DueMark, PageTitle, TaskStateTag } from '../../components';

/** The task's title, state and deadline (办结期限), with the printable application form of a claim. */
export function TaskHeader({ t, c }: { t: Task; c: Claim | undefined }) {
  return (
    <Card size="small">
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Space wrap>
          <PageTitle data-testid="task-title" title={`${taskKind(t.kind)} · ${t.subject.ref}`}>
            {taskKind(t.kind)} · {t.subject.ref}
          </PageTitle>
          <TaskStateTag state={t.state} />
          {c && <ClaimStatusTag status={c.status} />}
        </Space>
        <Space wrap>
          <DueMark task={t} />
          {c && (
            <Link to={`/claims/${encodeURIComponent(c.id)}/print`} target="_blank">
              <Button icon={<PrinterOutlined />}>打印申请表</Button>
            </Link>
          )}
        </Space>
      </Space>
      <Descriptions size="small" column={{ xs: 1, sm: 2, md: 4 }} style={{ marginTop: 12 }}>
        <Descriptions.Item label="收件时间">{fmt(t.createdAt)}</Descriptions.Item>
        <Descriptions.Item label="办结期限">{t.dueOn ? `${fmtDate(t.dueOn)}${t.dueProvisional ? '（暂定）' : ''}` : '不限时'}</Descriptions.Item>
        {t.policy && (
          <Descriptions.Item label="期限依据" span={2}>
            <span data-testid="deadline-basis">{t.policy.basis}</span>
          </Descriptions.Item>
        )}
        {c?.policy && (
          <Descriptions.Item label="金额依据" span={2}>
            <span data-testid="amount-basis">{c.policy.basis}</span>
          </Descriptions.Item>
        )}
        {t.decidedAt && <Descriptions.Item label="办理时间">{fmt(t.decidedAt)}</Descriptions.Item>}
        {t.decision && <Descriptions.Item label="办理结果">{decisionLabel(t.decision)}</Descriptions.Item>}
      </Descriptions>
    </Card>
  );
}
