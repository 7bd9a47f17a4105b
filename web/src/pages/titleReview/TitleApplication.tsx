/** One title application: status, stage, timeline and result. */
import { Link, useParams } from 'react-router-dom';
import { useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Form, Input, Result, Space, Tag } from 'antd';
import { api } from '../../lib/api';
import { useLoad } from '../../lib/hooks';
import { CATEGORY, CHANNEL, TITLE_LEVEL, errorText, stage as stageLabel } from '../../lib/labels';
import { fmt } from '../../lib/time';
import { TimelineView, PageTitle } from '../../components';
import type { TimelineEntry } from '../../lib/api';
import { notOpen, NotOpen } from './shared';
import { useAuth } from '../../auth';
import { MaterialsPane, RatingCard, type MaterialItem } from '../../materials';
import { TitlePolicyBasis, type TitlePolicy } from './PolicyBasis';

export function TitleApplicationPage() {
  const { id = '' } = useParams();
  const { has } = useAuth();
  const a = useLoad(() => api.get<Record<string, unknown> & { timeline?: TimelineEntry[] }>(`/zhejiang/applications/${encodeURIComponent(id)}`), [id]);
  if (a.loading && !a.data) return <Card loading />;
  if (a.error) return notOpen(a.error) ? <NotOpen what="职称申报" /> : <Result status="404" title={<h1>未找到该申报</h1>} subTitle={errorText(a.error)} />;
  const d = a.data!;
  const result = d.result as { yes?: number; no?: number; abstain?: number; attending?: number; passed?: boolean; outcome?: string } | null | undefined;
  const cert = d.certificate as { code: string; grantedOn: string; revokedAt: string | null } | null | undefined;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card title={<PageTitle>{`职称申报 ${String(d.applicationNo ?? d.id)}`}</PageTitle>}>
        <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
          <Descriptions.Item label="状态">
            <span data-testid="title-status">{stageLabel(String(d.status ?? ''))}</span>
          </Descriptions.Item>
          <Descriptions.Item label="当前环节">{stageLabel(String(d.stage ?? ''))}</Descriptions.Item>
          <Descriptions.Item label="级别">{TITLE_LEVEL[String(d.level)] ?? String(d.level ?? '—')}</Descriptions.Item>
          <Descriptions.Item label="专业">{CATEGORY[String(d.category)] ?? String(d.category ?? '—')}</Descriptions.Item>
          <Descriptions.Item label="渠道">{CHANNEL[String(d.channel)] ?? String(d.channel ?? '—')}</Descriptions.Item>
          <Descriptions.Item label="提交时间">{fmt(d.submittedAt as string | undefined)}</Descriptions.Item>
          {result && (
            <Descriptions.Item label="评审结果">
              <span data-testid="title-result">
                {result.passed === true ? (
                  <Tag color="green">通过</Tag>
                ) : result.passed === false ? (
                  <Tag color="red">未通过</Tag>
                ) : (
                  String(result.outcome ?? '—')
                )}
                {result.attending ? `赞成 ${result.yes} / 出席 ${result.attending}` : ''}
              </span>
            </Descriptions.Item>
          )}
          {cert ? (
            <Descriptions.Item label="电子证书">
              <Link to={`/public/certificates/${encodeURIComponent(cert.code)}`} data-testid="certificate-link">
                {cert.code}
              </Link>
              {cert.revokedAt ? (
                <Tag color="red" style={{ marginLeft: 8 }}>
                  已撤销
                </Tag>
              ) : null}
            </Descriptions.Item>
          ) : null}
          {d.closeReason ? <Descriptions.Item label="说明">{String(d.closeReason)}</Descriptions.Item> : null}
        </Descriptions>
      </Card>
      <Card title="期限与条件的依据">
        <TitlePolicyBasis policy={d.policy as TitlePolicy | undefined} />
      </Card>
      <Card title="申报材料" data-testid="application-materials">
        <MaterialsPane materials={d.materialFiles as MaterialItem[] | undefined} />
      </Card>
      {has('applicant') && d.closedAt ? (
        <Card title="服务评价（好差评）" data-testid="rating-card">
          <RatingCard subjectType="title_application" subjectId={String(d.id)} />
        </Card>
      ) : null}
      {d.status === 'supplement_requested' && <TitleSupplementCard id={String(d.id ?? id)} timeline={d.timeline ?? []} onDone={a.reload} />}
      <Card title="办理记录">
        <TimelineView entries={d.timeline ?? []} />
      </Card>
    </Space>
  );
}

/** The applicant answers a request for supplementary materials (补正) on the title application. */
function TitleSupplementCard({ id, timeline, onDone }: { id: string; timeline: TimelineEntry[]; onDone: () => void }) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const request = [...timeline].reverse().find((e) => e.event === 'supplement_requested');
  const submit = async (v: { comment?: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      await api.post(`/zhejiang/applications/${encodeURIComponent(id)}/supplement`, { comment: v.comment?.trim() || undefined });
      message.success('补正材料已提交，审核继续');
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card size="small" title="补正材料" data-testid="title-supplement-card">
      <Alert type="warning" showIcon style={{ marginBottom: 12 }} message="审核部门要求补正材料，办理时限暂停" description={request?.comment ?? undefined} />
      {error ? <Alert type="error" showIcon style={{ marginBottom: 12 }} message={errorText(error)} /> : null}
      <Form layout="vertical" onFinish={submit}>
        <Form.Item name="comment" label="补正说明" rules={[{ max: 2000 }]}>
          <Input.TextArea rows={3} data-testid="title-supplement-comment" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="title-supplement-submit">
          提交补正材料
        </Button>
      </Form>
    </Card>
  );
}
