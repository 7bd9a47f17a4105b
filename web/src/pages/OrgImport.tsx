/**
 * 单位批量导入 (admin): choose a CSV (UTF-8 or GBK, as Excel saves it), try it (dry run: every row checked, nothing
 * saved), read the report row by row, then import: all rows, or only the valid ones if so chosen.
 */
import { PageTitle } from '../components';
import { CsvImportForm, CsvReportWarnings, reasonsText, reportTitle, useCsvImport } from '../csvImport';
import { Link } from 'react-router-dom';
import { Alert, Card, Space, Statistic, Table, Tag, Typography, Row, Col } from 'antd';
import type { ImportReport, ImportRow } from '../lib/api';

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
  const s = useCsvImport<ImportReport>(
    '/admin/orgs/import',
    (r) => `导入完成：新增 ${r.counts.created}，更新 ${r.counts.updated}${r.counts.refused ? `，跳过有误 ${r.counts.refused} 行` : ''}`,
  );
  const { report, refused, error } = s;
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
        <CsvImportForm state={s} testId="org-import" />
      </Card>
      {error ? <Alert type="error" showIcon message={error} data-testid="org-import-error" /> : null}
      {report ? (
        <Card title={reportTitle(report)} data-testid="org-import-report">
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
          <CsvReportWarnings state={s} />
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
                render: (_: unknown, r) => reasonsText(r.reasons),
              },
            ]}
          />
        </Card>
      ) : null}
    </Space>
  );
}
