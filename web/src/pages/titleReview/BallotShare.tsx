/**
 * The ballot threshold option on the ballot page: the chair and the two vice-chairs each collect their key share once
 * (shown once, then erased from the system), and present it at the close; the count needs two.
 */
import { useState } from 'react';
import { Alert, App, Button, Card, Input, Space, Typography } from 'antd';
import { api } from '../../lib/api';
import { errorText } from '../../lib/labels';
import type { BallotPaper } from './shared';

const HOLDER = ['', '主任委员', '副主任委员', '副主任委员'];

export function BallotShareCard({ sessionId, paper, reload }: { sessionId: string; paper: BallotPaper; reload: () => void }) {
  const { modal, message } = App.useApp();
  const [share, setShare] = useState<string>();
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const sh = paper.shares;
  if (!sh?.threshold) return null;
  const path = `/zhejiang/sessions/${encodeURIComponent(sessionId)}`;
  const collect = () =>
    modal.confirm({
      title: '领取计票密钥份额？',
      content: '份额只显示这一次，系统随即删除保存的副本。请当场抄写或保存在安全处，计票时需由您本人出示。',
      okText: '领取并显示',
      cancelText: '取消',
      onOk: async () => {
        setError(undefined);
        try {
          const r = await api.get<{ share: string }>(`${path}/ballot-share`);
          setShare(r.share);
          reload();
        } catch (e) {
          setError(errorText(e));
        }
      },
    });
  const present = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.post<{ sharesPresented: number; needed: number }>(`${path}/ballot-shares`, { share: typed });
      message.success(`密钥份额已出示（${r.sharesPresented}/${r.needed}）`);
      setTyped('');
      reload();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title="计票密钥份额（三取二）" data-testid="ballot-shares">
      <Typography.Paragraph data-testid="ballot-shares-status">
        本次投票的计票私钥不在系统中保存：须主任委员、副主任委员中至少 {sh.needed} 人出示各自的密钥份额方可计票。已出示 {sh.sharesPresented}/{sh.needed}。
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="ballot-share-error" />}
      {sh.holder == null ? null : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Text>
            您是本次评审会的{HOLDER[sh.holder]}，持有第 {sh.holder} 份密钥份额。
          </Typography.Text>
          {share ? (
            <Alert
              type="warning"
              showIcon
              message="请立即抄写或保存：此份额只显示一次"
              description={
                <Typography.Paragraph copyable code data-testid="ballot-share-value" style={{ wordBreak: 'break-all', marginBottom: 0 }}>
                  {share}
                </Typography.Paragraph>
              }
            />
          ) : !sh.collected && paper.open ? (
            <Button onClick={collect} data-testid="ballot-share-collect">
              领取我的密钥份额（只显示一次）
            </Button>
          ) : null}
          {sh.presented ? (
            <Typography.Text type="success" data-testid="ballot-share-presented">
              您已出示密钥份额
            </Typography.Text>
          ) : paper.open ? (
            <Space.Compact style={{ width: '100%' }}>
              <Input
                aria-label="我的密钥份额"
                placeholder="ZJBS1-序号-64位十六进制"
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                data-testid="ballot-share-input"
                autoComplete="off"
              />
              <Button type="primary" loading={busy} disabled={!typed.trim()} onClick={present} data-testid="ballot-share-present">
                出示份额
              </Button>
            </Space.Compact>
          ) : null}
        </Space>
      )}
    </Card>
  );
}
