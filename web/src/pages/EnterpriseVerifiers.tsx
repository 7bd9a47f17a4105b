/** The enterprise's legal person (浙里办 法人) designates and withdraws the enterprise's unit verifiers. */
import { useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Popconfirm, Table, Tag, Typography } from 'antd';
import { api } from '../lib/api';
import { useLoad } from '../lib/hooks';
import { errorText } from '../lib/labels';
import { idNumberProblem } from '../lib/idNumber';

interface Verifier {
  username: string;
  displayName: string;
  idNumber: string;
  active: boolean;
  signsInWithPassword: boolean;
}

export function EnterpriseVerifiersPage() {
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const list = useLoad(() => api.get<Verifier[]>('/enterprise/verifiers'), []);

  const designate = async (v: { name: string; idNumber: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      await api.post('/enterprise/verifiers', v);
      message.success('已指定审核员');
      form.resetFields();
      list.reload();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const withdraw = async (username: string) => {
    try {
      await api.delete(`/enterprise/verifiers/${encodeURIComponent(username)}`);
      list.reload();
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <>
      <Typography.Title level={1}>单位审核员</Typography.Title>
      <Card title="指定审核员" style={{ marginBottom: 16 }}>
        <Typography.Paragraph type="secondary">审核员以本人的浙里办个人身份登录本系统，核验本单位职工的申请。</Typography.Paragraph>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="verifier-error" />}
        <Form form={form} layout="inline" onFinish={designate}>
          <Form.Item name="name" label="姓名" htmlFor="verifier-name" rules={[{ required: true, message: '请输入姓名' }]}>
            <Input id="verifier-name" />
          </Form.Item>
          <Form.Item
            name="idNumber"
            label="身份证号"
            htmlFor="verifier-id"
            normalize={(v: string) => v?.toUpperCase()}
            rules={[
              { required: true, message: '请输入身份证号' },
              {
                validator: async (_, v: string) => {
                  const p = v ? idNumberProblem(v) : null;
                  if (p) throw new Error(p);
                },
              },
            ]}
          >
            <Input id="verifier-id" maxLength={18} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="verifier-submit">
            指定
          </Button>
        </Form>
      </Card>
      <Card title="本单位审核员">
        <Table<Verifier>
          rowKey="username"
          dataSource={list.data ?? []}
          loading={list.loading}
          pagination={false}
          columns={[
            { title: '姓名', dataIndex: 'displayName' },
            { title: '身份证号', dataIndex: 'idNumber' },
            { title: '登录方式', dataIndex: 'signsInWithPassword', render: (p: boolean) => (p ? '账号密码' : '浙里办') },
            { title: '状态', dataIndex: 'active', render: (a: boolean) => (a ? <Tag color="green">有效</Tag> : <Tag>停用</Tag>) },
            {
              title: '操作',
              render: (_: unknown, v: Verifier) => (
                <Popconfirm title="取消该审核员的指定？" onConfirm={() => withdraw(v.username)} okText="确定" cancelText="取消">
                  <Button type="link">取消指定</Button>
                </Popconfirm>
              ),
            },
          ]}
        />
      </Card>
    </>
  );
}
