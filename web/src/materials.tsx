/**
 * 申请材料 in the console: uploading with a preview (image thumbnail / PDF icon, removable before submitting), the
 * materials pane of a claim, application or task (list, open, download), and the service rating (好差评).
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, App, Button, Empty, Input, List, Rate, Space, Tag, Typography } from 'antd';
import { DeleteOutlined, DownloadOutlined, EyeOutlined, FilePdfOutlined, UploadOutlined } from '@ant-design/icons';
import { api, ApiError, session } from './lib/api';
import { errorText } from './lib/labels';
import { fmt } from './lib/time';
import { ListRow } from './ListRow';

export interface MaterialItem {
  id: string;
  kind: string;
  fileName: string;
  contentType: string;
  size: number;
  attachedAt?: string | null;
}

export const MATERIAL_KIND: Record<string, string> = {
  id_card: '身份证复印件',
  certificate: '证书复印件',
  contract: '劳动合同',
  social_insurance: '社保缴纳证明（满一年）',
  tax: '个人所得税缴纳证明（满一年）',
  achievement: '业绩材料',
  other: '其他材料',
};

/** What each form needs (附件2-1, 附件2-2, 职称申报), as the API checks it. */
export const REQUIRED_KINDS: Record<string, string[]> = {
  certificate: ['id_card', 'certificate'],
  shortage_talent: ['id_card', 'certificate', 'contract', 'social_insurance', 'tax'],
  title: ['achievement'],
};

const MAX_BYTES = 10 * 1024 * 1024;
const ACCEPT = '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png';

export const sizeText = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

/** The required kinds not among the files. */
export const missingOf = (required: string[], files: MaterialItem[]) => required.filter((k) => !files.some((f) => f.kind === k));

async function uploadFile(file: File, kind: string): Promise<MaterialItem> {
  const form = new FormData();
  form.append('kind', kind);
  form.append('file', file, file.name);
  const token = session.token();
  let res: Response;
  try {
    res = await fetch('/api/v1/materials', { method: 'POST', headers: token ? { Authorization: `Bearer ${token}` } : {}, body: form });
  } catch {
    throw new ApiError(0, 'NETWORK', '网络连接失败，请检查网络后重试');
  }
  const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new ApiError(res.status, String(data.code ?? `HTTP_${res.status}`), String(data.detail ?? ''), data);
  return data as unknown as MaterialItem;
}

/** The file's bytes with the bearer token (a link cannot carry it). */
async function fetchMaterial(id: string): Promise<Blob> {
  const token = session.token();
  const res = await fetch(`/api/v1/materials/${encodeURIComponent(id)}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new ApiError(res.status, res.status === 404 ? 'NOT_FOUND' : `HTTP_${res.status}`, '无法获取该材料');
  return res.blob();
}

export async function openMaterial(m: MaterialItem, download = false): Promise<void> {
  const url = URL.createObjectURL(await fetchMaterial(m.id));
  if (download) {
    const a = document.createElement('a');
    a.href = url;
    a.download = m.fileName;
    document.body.appendChild(a);
    a.click();
    a.remove();
  } else {
    window.open(url, '_blank', 'noopener');
  }
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function Thumb({ item, preview }: { item: MaterialItem; preview?: string }) {
  if (item.contentType.startsWith('image/') && preview)
    return (
      <img
        src={preview}
        alt={`${MATERIAL_KIND[item.kind] ?? item.kind}预览：${item.fileName}`}
        style={{ width: 48, height: 48, objectFit: 'cover', borderRadius: 4, border: '1px solid #eee' }}
      />
    );
  return (
    <FilePdfOutlined
      style={{ fontSize: 36, color: item.contentType === 'application/pdf' ? '#cf1322' : '#999' }}
      aria-label={item.contentType === 'application/pdf' ? 'PDF 文件' : '图片文件'}
      role="img"
    />
  );
}

/**
 * Upload per kind, each file shown with a preview and removable before the form is submitted. `value` is what the
 * submission will attach (its ids go into `materials`).
 */
export function MaterialUploader({
  kinds,
  optional = ['other'],
  value,
  onChange,
  showMissing,
}: {
  kinds: string[];
  optional?: string[];
  value: MaterialItem[];
  onChange: (v: MaterialItem[]) => void;
  showMissing?: boolean;
}) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const previews = useRef(new Map<string, string>());
  const inputs = useRef(new Map<string, HTMLInputElement | null>());
  const latest = useRef(value);
  latest.current = value;
  useEffect(
    () => () => {
      for (const u of previews.current.values()) URL.revokeObjectURL(u);
    },
    [],
  );

  const pick = async (kind: string, files: FileList | null) => {
    if (!files?.length) return;
    setError(undefined);
    setBusy(kind);
    try {
      for (const file of Array.from(files)) {
        if (file.size > MAX_BYTES) throw new ApiError(413, 'PAYLOAD_TOO_LARGE', '');
        const item = await uploadFile(file, kind);
        if (file.type.startsWith('image/') || item.contentType.startsWith('image/')) previews.current.set(item.id, URL.createObjectURL(file));
        latest.current = [...latest.current, item];
        onChange(latest.current);
        message.success(`已上传：${item.fileName}`);
      }
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(undefined);
      const input = inputs.current.get(kind);
      if (input) input.value = '';
    }
  };

  const remove = (item: MaterialItem) => {
    // not attached yet: removed on the server too (a failure there only leaves an unused upload)
    void api.delete(`/materials/${encodeURIComponent(item.id)}`).catch(() => undefined);
    const url = previews.current.get(item.id);
    if (url) URL.revokeObjectURL(url);
    previews.current.delete(item.id);
    onChange(value.filter((x) => x.id !== item.id));
  };

  const missing = missingOf(kinds, value);
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="material-uploader">
      <Typography.Text type="secondary" style={{ fontSize: 13 }}>
        支持 PDF、JPG、PNG 格式，单个文件不超过 10 MB，全部材料合计不超过 50 MB。
      </Typography.Text>
      {[...kinds, ...optional.filter((k) => !kinds.includes(k))].map((kind) => {
        const label = MATERIAL_KIND[kind] ?? kind;
        const files = value.filter((f) => f.kind === kind);
        const required = kinds.includes(kind);
        return (
          <div key={kind} style={{ border: '1px dashed #d9d9d9', borderRadius: 6, padding: 8 }}>
            <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
              <span>
                {required && (
                  <span style={{ color: '#cf1322' }} aria-hidden="true">
                    *{' '}
                  </span>
                )}
                {label}
                {required ? '' : '（可选）'}
              </span>
              <input
                ref={(el) => {
                  inputs.current.set(kind, el);
                }}
                type="file"
                accept={ACCEPT}
                multiple
                aria-label={`上传${label}`}
                data-testid={`upload-${kind}`}
                style={{ display: 'none' }}
                onChange={(e) => void pick(kind, e.target.files)}
              />
              <Button
                size="small"
                icon={<UploadOutlined />}
                loading={busy === kind}
                onClick={() => inputs.current.get(kind)?.click()}
                aria-label={`上传${label}${required ? '（必传）' : ''}`}
              >
                上传
              </Button>
            </Space>
            {files.length > 0 && (
              <List
                size="small"
                dataSource={files}
                renderItem={(f) => (
                  <List.Item
                    data-testid={`material-${kind}`}
                    actions={[
                      <Button key="rm" size="small" type="text" danger icon={<DeleteOutlined />} aria-label={`删除 ${f.fileName}`} onClick={() => remove(f)} />,
                    ]}
                  >
                    <ListRow avatar={<Thumb item={f} preview={previews.current.get(f.id)} />} title={f.fileName} description={sizeText(f.size)} />
                  </List.Item>
                )}
              />
            )}
          </div>
        );
      })}
      {showMissing && missing.length > 0 && (
        <Alert type="warning" showIcon message={`尚缺材料：${missing.map((k) => MATERIAL_KIND[k] ?? k).join('、')}`} data-testid="materials-missing" />
      )}
      {error && <Alert type="error" showIcon message={error} data-testid="material-error" />}
    </Space>
  );
}

/** The materials of a claim / application / task: list with open and download. */
export function MaterialsPane({ materials }: { materials: MaterialItem[] | undefined }) {
  const { message } = App.useApp();
  if (!materials?.length) return <Empty description="暂无材料" image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  const act = (m: MaterialItem, download: boolean) => openMaterial(m, download).catch((e) => message.error(errorText(e)));
  return (
    <List
      size="small"
      data-testid="materials-pane"
      dataSource={materials}
      renderItem={(m) => (
        <List.Item
          actions={[
            <Button key="open" size="small" icon={<EyeOutlined />} onClick={() => act(m, false)} aria-label={`查看 ${m.fileName}`}>
              查看
            </Button>,
            <Button key="dl" size="small" icon={<DownloadOutlined />} onClick={() => act(m, true)} aria-label={`下载 ${m.fileName}`}>
              下载
            </Button>,
          ]}
        >
          <ListRow
            avatar={<Thumb item={m} />}
            title={
              <Space wrap size={4}>
                <Tag>{MATERIAL_KIND[m.kind] ?? m.kind}</Tag>
                <span data-testid="material-name">{m.fileName}</span>
              </Space>
            }
            description={`${sizeText(m.size)}${m.attachedAt ? ` · ${fmt(m.attachedAt)} 提交` : ''}`}
          />
        </List.Item>
      )}
    />
  );
}

interface RatingView {
  score: number;
  comment: string | null;
  createdAt: string;
}

const SCORE_TEXT = ['', '非常不满意', '不满意', '基本满意', '满意', '非常满意'];

/** 好差评: after the claim or application has ended, its applicant rates the service once. */
export function RatingCard({ subjectType, subjectId }: { subjectType: 'nanxun_claim' | 'title_application'; subjectId: string }) {
  const { message } = App.useApp();
  const [rating, setRating] = useState<RatingView | null>();
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  useEffect(() => {
    api
      .get<RatingView>(`/ratings/${subjectType}/${encodeURIComponent(subjectId)}`)
      .then(setRating)
      .catch(() => setRating(null));
  }, [subjectType, subjectId]);
  if (rating === undefined) return null;
  if (rating) {
    return (
      <Space direction="vertical" data-testid="rating-done">
        <Space>
          <Rate disabled value={rating.score} aria-label={`您的评价：${rating.score} 星`} />
          <span>{SCORE_TEXT[rating.score]}</span>
        </Space>
        {rating.comment && <Typography.Text type="secondary">{rating.comment}</Typography.Text>}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {fmt(rating.createdAt)} 已评价，感谢您的反馈。
        </Typography.Text>
      </Space>
    );
  }
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.post<RatingView>('/ratings', {
        subject: { type: subjectType, id: subjectId },
        score,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      setRating(r);
      message.success('评价已提交');
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="rating-form">
      <Typography.Text>请对本次办理服务作出评价（每件申请可评价一次）：</Typography.Text>
      <Space>
        <Rate value={score} onChange={setScore} tooltips={SCORE_TEXT.slice(1)} aria-label="服务评分" data-testid="rating-stars" />
        <span>{SCORE_TEXT[score]}</span>
      </Space>
      <label htmlFor={`rating-comment-${subjectId}`}>评价内容（可选）</label>
      <Input.TextArea
        id={`rating-comment-${subjectId}`}
        rows={2}
        maxLength={500}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        data-testid="rating-comment"
      />
      {error && <Alert type="error" showIcon message={error} />}
      <Button type="primary" disabled={!score} loading={busy} onClick={() => void submit()} data-testid="rating-submit">
        提交评价
      </Button>
    </Space>
  );
}
