/**
 * What every CSV import screen shares (单位批量导入, 账号批量导入): the file, "skip the invalid rows", the dry run and the
 * import, the report's title, its warnings and each row's reasons. A screen gives its route, its test-id prefix and
 * what it shows of the report's rows and counts.
 */
import { useState, type ReactNode } from 'react';
import { Alert, App, Button, Checkbox, Space } from 'antd';
import { api, ApiError } from './lib/api';
import { errorText } from './lib/labels';

export interface CsvReport {
  dryRun: boolean;
  imported: boolean;
  ignoredColumns: string[];
  counts: { refused: number };
}

/** The import's state and its one request; `done` says what an import (not a dry run) did. */
export function useCsvImport<R extends CsvReport>(path: string, done: (r: R) => string) {
  const { message } = App.useApp();
  const [file, setFile] = useState<File | null>(null);
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [busy, setBusy] = useState<'dry' | 'real' | null>(null);
  const [report, setReport] = useState<R | null>(null);
  const [error, setError] = useState<string | null>(null);
  const send = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(dryRun ? 'dry' : 'real');
    setError(null);
    try {
      const r = await api.upload<R>(path, file, 'text/csv', { query: { dryRun, skipInvalid } });
      setReport(r);
      if (!dryRun) message.success(done(r));
    } catch (e) {
      if (e instanceof ApiError && e.code === 'IMPORT_HAS_INVALID_ROWS' && e.body.report) setReport(e.body.report as R);
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  };
  const choose = (f: File | null) => {
    setFile(f);
    setReport(null);
    setError(null);
  };
  return { file, choose, skipInvalid, setSkipInvalid, busy, report, error, send, refused: report?.counts.refused ?? 0 };
}

type CsvImport = ReturnType<typeof useCsvImport<CsvReport>>;

/** The file, the checkbox and the two buttons; test ids `<testId>-file|-skip|-dry|-run`. */
export function CsvImportForm({ state: s, testId }: { state: CsvImport; testId: string }) {
  return (
    <Space direction="vertical">
      <label htmlFor={`${testId}-file`}>选择CSV文件</label>
      <input id={`${testId}-file`} type="file" accept=".csv,text/csv" onChange={(e) => s.choose(e.target.files?.[0] ?? null)} data-testid={`${testId}-file`} />
      <Checkbox checked={s.skipInvalid} onChange={(e) => s.setSkipInvalid(e.target.checked)} data-testid={`${testId}-skip`}>
        跳过有误的行，只导入正确的行
      </Checkbox>
      <Space wrap>
        <Button onClick={() => s.send(true)} disabled={!s.file} loading={s.busy === 'dry'} data-testid={`${testId}-dry`}>
          试导入（不保存）
        </Button>
        <Button
          type="primary"
          onClick={() => s.send(false)}
          disabled={!s.file || !s.report || (s.refused > 0 && !s.skipInvalid)}
          loading={s.busy === 'real'}
          data-testid={`${testId}-run`}
        >
          正式导入
        </Button>
      </Space>
    </Space>
  );
}

export const reportTitle = (r: CsvReport) => (r.dryRun ? '试导入结果（未保存）' : r.imported ? '导入结果（已保存）' : '导入结果（未保存）');

/** Unknown columns, and refused rows in a dry run that does not skip them. */
export function CsvReportWarnings({ state: s }: { state: CsvImport }): ReactNode {
  const r = s.report;
  if (!r) return null;
  return (
    <>
      {r.ignoredColumns.length ? (
        <Alert type="warning" showIcon message={`未识别的列已忽略：${r.ignoredColumns.join('、')}`} style={{ marginBottom: 12 }} />
      ) : null}
      {r.dryRun && s.refused > 0 && !s.skipInvalid ? (
        <Alert type="warning" showIcon message={`有 ${s.refused} 行有误：请修改文件后重新试导入，或勾选“跳过有误的行”。`} style={{ marginBottom: 12 }} />
      ) : null}
    </>
  );
}

/** A row's reasons as one line (a duplicate names the row it repeats). */
export const reasonsText = (reasons: { code: string; value?: string; message: string }[]) =>
  reasons.length
    ? reasons.map((x) => `${x.message}${x.code === 'DUPLICATE_IN_FILE' ? `（第${x.value}行）` : x.value ? `（${x.value}）` : ''}`).join('；')
    : '—';
