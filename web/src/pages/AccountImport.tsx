/**
 * 账号批量导入 (the security administrator, 安全管理员): a CSV of clerk accounts with their 浙政钉 account ids (UTF-8 or
 * GBK, as Excel saves it). Try it first (dry run: every row checked, nothing saved), read the report row by row, then
 * import: all rows, or only the valid ones if so chosen. Each one-time password goes to the person by SMS; this
 * screen shows only the masked number. A clerk with a 浙政钉 id can sign in by scanning the 浙政钉 QR at once.
 */
import { PageTitle } from '../components';
import { CsvImportForm, CsvReportWarnings, reasonsText, reportTitle, useCsvImport } from '../csvImport';
import { Link } from 'react-router-dom';
import { Alert, Card, Col, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { ROLE } from '../lib/labels';

interface AccountRow {
  row: number;
  action: 'created' | 'refused';
  username: string | null;
  displayName: string | null;
  orgCode: string | null;
  roles: string[];
  zzdAccountId: string | null;
  oneTimePasswordSentTo: string | null;
  reasons: { code: string; field: string; value?: string; message: string }[];
}
interface AccountImportReport {
  dryRun: boolean;
  imported: boolean;
  encoding: 'utf-8' | 'gbk';
  ignoredColumns: string[];
  total: number;
  counts: Record<AccountRow['action'], number>;
  rows: AccountRow[];
}

const ACTION: Record<AccountRow['action'], { text: string; color: string }> = {
  created: { text: '新建', color: 'green' },
  refused: { text: '有误', color: 'red' },
};

const SAMPLE = ['用户名,姓名,单位代码,角色,手机号,浙政钉账号ID', 'nx.zhang,张初审,NX-YJGLJ,bureau_reviewer,13800000000,10000001'].join('\n');

export function AccountImportPage() {
  const s = useCsvImport<AccountImportReport>(
    '/admin/accounts/import',
    (r) => `导入完成：新建 ${r.counts.created} 个账号${r.counts.refused ? `，跳过有误 ${r.counts.refused} 行` : ''}`,
  );
  const { report, refused, error } = s;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card title={<PageTitle>账号批量导入</PageTitle>} extra={<Link to="/admin/accounts">返回账号管理</Link>}>
        <Typography.Paragraph>
          上传CSV文件（UTF-8或GBK编码，Excel“另存为CSV”即可）。表头须含用户名、姓名、单位代码、角色、手机号，可含浙政钉账号ID；多个角色用分号分隔。
          只能授予机关工作人员角色和单位审核员，且须与单位类型相符。一次性密码以短信发送至本人手机，不向管理员显示；填写了浙政钉账号ID的，导入后即可浙政钉扫码登录。
          先“试导入”查看逐行结果；正式导入要么全部成功，要么一行也不导入。
        </Typography.Paragraph>
        <Typography.Paragraph>
          <Typography.Text type="secondary">表头示例：</Typography.Text>
          <pre style={{ fontSize: 12, background: '#fafafa', padding: 8, overflowX: 'auto' }}>{SAMPLE}</pre>
        </Typography.Paragraph>
        <CsvImportForm state={s} testId="account-import" />
      </Card>
      {error ? <Alert type="error" showIcon message={error} data-testid="account-import-error" /> : null}
      {report ? (
        <Card title={reportTitle(report)} data-testid="account-import-report">
          <Row gutter={12} style={{ marginBottom: 12 }}>
            <Col xs={12} md={6}>
              <Statistic title="总行数" value={report.total} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title="新建" value={report.counts.created} valueStyle={{ color: '#3f8600' }} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title="有误" value={refused} valueStyle={{ color: refused ? '#cf1322' : undefined }} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title="文件编码" value={report.encoding === 'gbk' ? 'GBK' : 'UTF-8'} />
            </Col>
          </Row>
          <CsvReportWarnings state={s} />
          <Table<AccountRow>
            rowKey="row"
            size="small"
            dataSource={report.rows}
            pagination={{ pageSize: 50, showSizeChanger: false }}
            scroll={{ x: 900 }}
            onRow={(r) => ({ 'data-testid': 'account-import-row', 'data-action': r.action }) as React.HTMLAttributes<HTMLElement>}
            columns={[
              { title: '行号', dataIndex: 'row', width: 70 },
              { title: '结果', dataIndex: 'action', width: 80, render: (a: AccountRow['action']) => <Tag color={ACTION[a].color}>{ACTION[a].text}</Tag> },
              { title: '用户名', dataIndex: 'username', render: (v: string | null) => v ?? '—' },
              { title: '姓名', dataIndex: 'displayName', render: (v: string | null) => v ?? '—' },
              { title: '单位代码', dataIndex: 'orgCode', render: (v: string | null) => v ?? '—', responsive: ['md'] },
              { title: '角色', dataIndex: 'roles', render: (rs: string[]) => rs.map((r) => ROLE[r] ?? r).join('、') || '—' },
              { title: '浙政钉账号ID', dataIndex: 'zzdAccountId', render: (v: string | null) => v ?? '—', responsive: ['md'] },
              { title: '一次性密码已发至', dataIndex: 'oneTimePasswordSentTo', render: (v: string | null) => v ?? '—' },
              {
                title: '问题',
                key: 'reasons',
                render: (_: unknown, r) => reasonsText(r.reasons),
              },
            ]}
          />
        </Card>
      ) : null}
    </Space>
  );
}
