/** The applicant's declaration (职称申报). */
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Alert, App, Button, Card, Checkbox, Form, Input, Radio, Select } from 'antd';
import { api } from '../../lib/api';
import { useLoad } from '../../lib/hooks';
import { CATEGORY, CHANNEL, errorText } from '../../lib/labels';
import { fmtDate } from '../../lib/time';
import type { Org } from '../../lib/api';
import { type Session, notOpen, NotOpen, sessionLabel } from './shared';
import { PageTitle } from '../../components';
import { MATERIAL_KIND, MaterialUploader, REQUIRED_KINDS, missingOf, type MaterialItem } from '../../materials';

export function TitleApplyPage() {
  const { modal } = App.useApp();
  const nav = useNavigate();
  const sessions = useLoad(() => api.get<Session[]>('/zhejiang/sessions'), []);
  const orgs = useLoad(() => api.get<Org[]>('/orgs', { query: { type: 'enterprise,institution' } }), []);
  const [error, setError] = useState<string>();
  const [files, setFiles] = useState<MaterialItem[]>([]);
  const [triedSubmit, setTriedSubmit] = useState(false);
  const [form] = Form.useForm();
  const sessionId = Form.useWatch('sessionId', form);
  const chosen = (sessions.data ?? []).find((x) => x.id === sessionId);
  if (sessions.error && notOpen(sessions.error)) return <NotOpen what="职称申报" />;
  const submit = (v: { sessionId: string; category: string; channel: string; employerOrgCode: string; commitment: boolean; summary?: string }) => {
    setTriedSubmit(true);
    const missing = missingOf(REQUIRED_KINDS.title!, files);
    if (missing.length) {
      setError(`请上传申报材料：${missing.map((k) => MATERIAL_KIND[k]).join('、')}`);
      return;
    }
    setError(undefined);
    const ids = files.map((f) => f.id);
    modal.confirm({
      title: '确认提交职称申报？',
      content: '提交即承诺所提交材料真实有效。单位将在内部公示不少于5个工作日后推荐。',
      okText: '提交',
      cancelText: '取消',
      onOk: async () => {
        setError(undefined);
        try {
          const r = await api.post<{ id: string }>('/zhejiang/applications', {
            sessionId: v.sessionId,
            category: v.category,
            channel: v.channel,
            employerOrgCode: v.employerOrgCode,
            commitment: true,
            materials: v.summary?.trim() ? { summary: v.summary.trim(), files: ids } : ids,
          });
          nav(`/zhejiang/applications/${encodeURIComponent(r.id)}`);
        } catch (e) {
          setError(errorText(e));
        }
      },
    });
  };
  return (
    <Card title={<PageTitle>安全工程专业高级 / 正高级工程师职称申报</PageTitle>}>
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ channel: 'standard', category: 'safety_science' }} style={{ maxWidth: 640 }}>
        <Form.Item name="sessionId" label="评审会" rules={[{ required: true, message: '请选择评审会' }]}>
          <Select
            loading={sessions.loading}
            options={(sessions.data ?? [])
              .filter((s) => s.status === 'accepting')
              .map((s) => ({ value: s.id, label: `${sessionLabel(s)}（会议 ${fmtDate(s.meetingDate)}）` }))}
            notFoundContent="暂无受理中的评审会"
          />
        </Form.Item>
        <Form.Item name="category" label="评审专业类别" rules={[{ required: true }]}>
          <Radio.Group options={Object.entries(CATEGORY).map(([value, label]) => ({ value, label }))} />
        </Form.Item>
        <Form.Item
          name="channel"
          label="申报渠道"
          rules={[
            { required: true },
            {
              validator: async (_, v) => {
                if (v === 'scored' && chosen?.level === 'professor') throw new Error('量化赋分达标渠道仅适用于高级工程师');
              },
            },
          ]}
        >
          <Radio.Group options={Object.entries(CHANNEL).map(([value, label]) => ({ value, label }))} />
        </Form.Item>
        <Form.Item name="employerOrgCode" label="工作单位" rules={[{ required: true, message: '请选择工作单位' }]}>
          <Select showSearch optionFilterProp="label" options={(orgs.data ?? []).map((o) => ({ value: o.code, label: o.name }))} />
        </Form.Item>
        <Form.Item name="summary" label="主要业绩摘要（选填）">
          <Input.TextArea rows={4} maxLength={2000} showCount />
        </Form.Item>
        <Form.Item label="申报材料（业绩证明等）" required>
          <MaterialUploader
            kinds={REQUIRED_KINDS.title!}
            value={files}
            onChange={(v) => {
              setFiles(v);
              if (error?.startsWith('请上传') && !missingOf(REQUIRED_KINDS.title!, v).length) setError(undefined);
            }}
            showMissing={triedSubmit}
          />
        </Form.Item>
        <Form.Item
          name="commitment"
          valuePropName="checked"
          rules={[
            {
              validator: async (_, v) => {
                if (!v) throw new Error('须承诺所提交材料真实');
              },
            },
          ]}
        >
          <Checkbox>本人承诺所提交的全部申报材料真实、准确，如有弄虚作假，自愿接受取消评审资格、3年内不得申报等处理。</Checkbox>
        </Form.Item>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
        <Button type="primary" htmlType="submit">
          提交申报
        </Button>
      </Form>
    </Card>
  );
}
