/**
 * 单位批量导入 (admin): choose a CSV (UTF-8 or GBK, as Excel saves it), try it (dry run: every row checked, nothing
 * saved), read the report row by row, then import: all rows, or only the valid ones if so chosen.
 */
import { PageTitle } from '../components';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, App, Button, Card, Checkbox, Space, Statistic, Table, Tag, Typography, Row, Col } from 'antd';
import { api, ApiError, type ImportReport, type ImportRow } from '../lib/api';
import { errorText } from '../lib/labels';

const ACTION: Record<ImportRow['action'], { text: string; color: string }> = {
  created: { text: '新增', color: 'green' },
  updated: { text: '更新', color: 'blue' },
  unchanged: { text: '无变化', color: 'default' },
  refused: { text: '有误', color: 'red' },
};

const SAMPLE = [
  'type,name,creditCode,townCode,regulatorCode,certRereviewBy,competentOrgCode,lowerCommitteeOrgCode,address',
  'enterprise,湖州示例机械有限公司,91330503MA2XXXXXXX,南浔镇,南浔区发展改革和经济信息化局,town,,,南浔区南浔镇示例路1号',
].join('\n');

export function OrgImportPage() {
  const { message } = App.useApp();
  const [file, setFile] = useState<File | null>(null);
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [busy, setBusy] = useState<'dry' | 'real' | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  const send = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(dryRun ? 'dry' : 'real');
    setError(null);
    try {
      const r = await api.upload<ImportReport>('/admin/orgs/import', file, 'text/csv', { query: { dryRun, skipInvalid } });
      setReport(r);
      if (!dryRun)
        message.success(`导入完成：新增 ${r.counts.created}，更新 ${r.counts.updated}${r.counts.refused ? `，跳过有误 ${r.counts.refused} 行` : ''}`);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'IMPORT_HAS_INVALID_ROWS' && e.body.report) setReport(e.body.report as ImportReport);
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  };
  const refused = report?.counts.refused ?? 0;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card title={<PageTitle>单位批量导入</PageTitle>} extra={<Link to="/admin/orgs">返回单位管理</Link>}>
        <Typography.Paragraph>
          上传CSV文件（UTF-8或GBK编码，Excel“另存为CSV”即可）。第一行为表头，至少包含“名称”和“统一社会信用代码”两列；所属镇、监管部门、主管部门可填代码或全称。
          已登记的统一社会信用代码按该行更新，其余为新增。先“试导入”查看逐行结果，确认无误后再正式导入；正式导入要么全部成功，要么一行也不导入。
        </Typography.Paragraph>
        <Typography.Paragraph>
          <Typography.Text type="secondary">表头示例：</Typography.Text>
          <pre style={{ fontSize: 12, background: '#fafafa', padding: 8, overflowX: 'auto' }}>{SAMPLE}</pre>
        </Typography.Paragraph>
        <Space direction="vertical">
          <label htmlFor="org-import-file">选择CSV文件</label>
          <input
            id="org-import-file"
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setReport(null);
              setError(null);
            }}
            data-testid="org-import-file"
          />
          <Checkbox checked={skipInvalid} onChange={(e) => setSkipInvalid(e.target.checked)} data-testid="org-import-skip">
            跳过有误的行，只导入正确的行
          </Checkbox>
          <Space wrap>
            <Button onClick={() => send(true)} disabled={!file} loading={busy === 'dry'} data-testid="org-import-dry">
              试导入（不保存）
            </Button>
            <Button
              type="primary"
              onClick={() => send(false)}
              disabled={!file || !report || (refused > 0 && !skipInvalid)}
              loading={busy === 'real'}
              data-testid="org-import-run"
            >
              正式导入
            </Button>
          </Space>
        </Space>
      </Card>
      {error ? <Alert type="error" showIcon message={error} data-testid="org-import-error" /> : null}
      {report ? (
        <Card title={report.dryRun ? '试导入结果（未保存）' : report.imported ? '导入结果（已保存）' : '导入结果（未保存）'} data-testid="org-import-report">
          <Row gutter={12} style={{ marginBottom: 12 }}>
            <Col xs={12} md={4}>
              <Statistic title="总行数" value={report.total} />
            </Col>
            <Col xs={12} md={4}>
              <Statistic title="新增" value={report.counts.created} valueStyle={{ color: '#3f8600' }} />
            </Col>
            <Col xs={12} md={4}>
              <Statistic title="更新" value={report.counts.updated} />
            </Col>
            <Col xs={12} md={4}>
              <Statistic title="无变化" value={report.counts.unchanged} />
            </Col>
            <Col xs={12} md={4}>
              <Statistic title="有误" value={refused} valueStyle={{ color: refused ? '#cf1322' : undefined }} />
            </Col>
            <Col xs={12} md={4}>
              <Statistic title="文件编码" value={report.encoding === 'gbk' ? 'GBK' : 'UTF-8'} />
            </Col>
          </Row>
          {report.ignoredColumns.length ? (
            <Alert type="warning" showIcon message={`未识别的列已忽略：${report.ignoredColumns.join('、')}`} style={{ marginBottom: 12 }} />
          ) : null}
          {report.dryRun && refused > 0 && !skipInvalid ? (
            <Alert type="warning" showIcon message={`有 ${refused} 行有误：请修改文件后重新试导入，或勾选“跳过有误的行”。`} style={{ marginBottom: 12 }} />
          ) : null}
          <Table<ImportRow>
            rowKey="row"
            size="small"
            dataSource={report.rows}
            pagination={{ pageSize: 50, showSizeChanger: false }}
            scroll={{ x: 800 }}
            rowClassName={(r) => (r.action === 'refused' ? 'import-row-refused' : '')}
            columns={[
              { title: '行号', dataIndex: 'row', width: 70 },
              {
                title: '结果',
                dataIndex: 'action',
                width: 90,
                render: (a: ImportRow['action']) => <Tag color={ACTION[a].color}>{ACTION[a].text}</Tag>,
                filters: Object.entries(ACTION).map(([value, v]) => ({ value, text: v.text })),
                onFilter: (v, r) => r.action === v,
              },
              { title: '单位名称', dataIndex: 'name', render: (n: string | null) => n ?? '—' },
              { title: '统一社会信用代码', dataIndex: 'creditCode', render: (c: string | null) => c ?? '—' },
              { title: '单位代码', dataIndex: 'code', render: (c: string | null) => c ?? '—', responsive: ['md'] },
              {
                title: '问题',
                key: 'reasons',
                render: (_: unknown, r) =>
                  r.reasons.length
                    ? r.reasons.map((x) => `${x.message}${x.code === 'DUPLICATE_IN_FILE' ? `（第${x.value}行）` : x.value ? `（${x.value}）` : ''}`).join('；')
                    : '—',
              },
            ]}
          />
        </Card>
      ) : null}
    </Space>
  );
}
