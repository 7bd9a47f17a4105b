import { useParams } from 'react-router-dom';
import { Button, Result, Skeleton, Space } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import { api, type Claim, type TimelineEntry } from '../lib/api';
import { useLoad } from '../lib/hooks';
import { errorText, level as levelLabel } from '../lib/labels';
import { actorShown } from '../components';
import { dayjs, TZ, fmtDate } from '../lib/time';

const box = (on: boolean) => (on ? '☑' : '□');

function dateCn(iso: string | null | undefined): string {
  if (!iso) return '　　年　　月　　日';
  const d = dayjs(iso).tz(TZ);
  return `${d.year()} 年 ${d.month() + 1} 月 ${d.date()} 日`;
}

const COPIES = ['第一联　区应急管理局存档', '第二联　行业监管部门及各镇（开发区）存档', '第三联　申请人所在单位存档'];

function Opinion({ e, title, children }: { e?: TimelineEntry; title: string; children: React.ReactNode }) {
  return (
    <tr>
      <td className="label">{title}</td>
      <td colSpan={3}>
        <div className="opinion">{children}</div>
        {e?.comment && <div>意见：{e.comment}</div>}
        <div className="sign">
          经办人：{(e && actorShown(e)) || '　　　　'}　　单位（盖章）：{e?.orgName ?? '　　　　　　'}
          <br />
          {dateCn(e?.at)}
        </div>
      </td>
    </tr>
  );
}

function Paper({ c, copy }: { c: Claim; copy: string }) {
  const f = c.form as Record<string, unknown> & {
    certificate?: { number?: string; level?: string; issuedOn?: string };
    previousAwards?: string[];
    declaration?: { at?: string };
  };
  const lvl = f.certificate?.level ?? String(f.level ?? '');
  const decided = (stage: string) => [...c.timeline].reverse().find((e) => e.stage === stage && e.event === 'decided');
  const unit = decided('unit_verification');
  const bureau = decided('bureau_review');
  const rere = decided('rereview');
  const shortage = c.kind === 'shortage_talent';
  const nature = String(f.employerNature ?? '');
  const unitTrue = unit?.decision === 'approve';
  const unitVerdict = unit ? (unitTrue ? 'true' : (unit.comment ?? '').includes('暂无') ? 'no_record' : 'not_true') : '';
  // the form's amounts, with the claim's own from the edition it was submitted under (实体从旧)
  const printed: [string, number][] = shortage
    ? c.instalments.map((i) => [`第${['一', '二', '三', '四', '五'][i.year - 1] ?? i.year}年奖励`, i.amountYuan])
    : [
        ['初级职称', 1000],
        ['中级职称', 2000],
        ['高级职称', 3000],
      ];
  const amounts: [string, number][] = printed.map(([l, n], i) => [l, !shortage && LEVEL_OF[lvl] === i ? c.amountYuan : n]);
  return (
    <div className="paper print-page">
      <div className="copy-mark">{copy}</div>
      <div className="annex">{shortage ? '附件2-2' : '附件2-1'}</div>
      <h2 className="paper-title">{shortage ? '南浔区注册安全工程师紧缺人才奖励申请表' : '南浔区注册安全工程师职业资格证书奖励申请表'}</h2>
      <p style={{ display: 'flex', justifyContent: 'space-between' }}>
        <span>编号：{c.applicationNo}</span>
        <span>填报日期：{dateCn(c.submittedAt)}</span>
      </p>
      <table>
        <tbody>
          <tr>
            <td className="label" rowSpan={5}>
              证书持有人情况
            </td>
            <td className="label">姓名</td>
            <td>{c.applicant.name}</td>
            <td>身份证号码：{c.applicant.idNumber}</td>
          </tr>
          <tr>
            <td className="label">工作单位</td>
            <td>{c.employer.name}</td>
            <td>职务：{String(f.position ?? '')}</td>
          </tr>
          <tr>
            <td className="label">单位性质</td>
            <td colSpan={2}>
              生产经营单位{box(nature === 'production')}　政府部门{box(nature === 'government')}　其他{box(nature === 'other')}（
              {String(f.employerNatureOther ?? '　　')}）
            </td>
          </tr>
          <tr>
            <td className="label">工作单位地址</td>
            <td colSpan={2}>{String(f.employerAddress ?? '')}</td>
          </tr>
          <tr>
            <td className="label">单位电话</td>
            <td>{String(f.employerPhone ?? '')}</td>
            <td>手机号码：{c.applicant.phone}</td>
          </tr>
          <tr>
            <td className="label">证书编号</td>
            <td colSpan={2}>
              {f.certificate?.number ?? ''}（{levelLabel(lvl)}）
            </td>
            <td>发证日期：{fmtDate(f.certificate?.issuedOn)}</td>
          </tr>
          <tr>
            <td colSpan={4}>
              申请人声明：本人所填写的内容及提供的资料均属真实，没有向其他部门申请过同类证书补贴或奖励。
              <br />
              <small>
                （重要提醒：
                {shortage
                  ? '紧缺人才奖励只能申请一次'
                  : '1、每个级别的注册安全工程师资格证书奖励只能申请一次，申请人利用同一级别证书向相关部门重复申请同类证书补贴或奖励的，按骗取财政资金处理；2、'}
                申请人弄虚作假、骗取奖励，除追回有关款项，不得再申领奖励，并按程序移交司法机关依法追究有关责任人员的法律责任。）
              </small>
              <div className="sign">
                申请人签字：{c.applicant.name}（网上申报确认）　{dateCn(f.declaration?.at ?? c.submittedAt)}
              </div>
            </td>
          </tr>
          <tr>
            <td className="label" rowSpan={2}>
              申请情况
            </td>
            <td className="label">{shortage ? '申请奖励' : '已申请奖励'}</td>
            <td colSpan={2}>
              {shortage
                ? `${box(true)}申请第一年奖励　${box(false)}申请第二年奖励　${box(false)}申请第三年奖励`
                : `${box(!f.previousAwards?.length)}无申请任何奖励　${box(!!f.previousAwards?.includes('junior'))}已申请初级职称奖励　${box(!!f.previousAwards?.includes('intermediate'))}已申请中级职称奖励`}
            </td>
          </tr>
          <tr>
            <td className="label">申请金额</td>
            <td colSpan={2}>
              {amounts.map(([l, n], i) => `${box(shortage ? i === 0 : LEVEL_OF[lvl] === i)}${l} ${n}元`).join('　')}
              {c.policy && (
                <>
                  <br />
                  <small data-testid="amount-basis">
                    核定金额 {c.amountYuan}元，{c.policy.basis}
                  </small>
                </>
              )}
            </td>
          </tr>
          <Opinion e={unit} title="申请人所在单位审核意见">
            已收到申请人以下证明材料并与原件核对无误：
            <br />
            {box(!!unit)} 身份证复印件；
            <br />
            {box(!!unit)}《中华人民共和国注册安全工程师职业资格证书》复印件。
            {shortage && (
              <>
                <br />
                {box(unitTrue)}三年及以上合同且按规定缴纳社保和个税满一年。
              </>
            )}
            <br />
            申请人资料{box(unitVerdict === 'true')}属实，{box(unitVerdict === 'not_true')}不属实，{box(unitVerdict === 'no_record')}暂无该证书信息。
            {!shortage && (
              <>
                <br />
                级别属{box(unitTrue && lvl === 'junior')}初级职称，{box(unitTrue && lvl === 'intermediate')}中级职称，{box(unitTrue && lvl === 'senior')}
                高级职称。
              </>
            )}
          </Opinion>
          <Opinion e={bureau} title="区应急管理局初审意见">
            予以{box(bureau?.decision === 'approve')}核准，{box(bureau?.decision === 'reject')}不核准
            {shortage ? '。' : '（申请人已有同类同级别证书的补贴或奖励记录）。'}
          </Opinion>
          <Opinion e={rere} title="行业监管部门及各镇（开发区）复审意见">
            予以{box(rere?.decision === 'approve')}核准，{box(rere?.decision === 'reject')}不核准。
            <br />
            同意申领{amounts.map(([l, n], i) => `${box(rere?.decision === 'approve' && (shortage ? i === 0 : LEVEL_OF[lvl] === i))}${l} ${n}元`).join(' ')}。
          </Opinion>
        </tbody>
      </table>
      <p>本表一式三份，区应急管理局、行业监管部门及各镇（开发区）、申请人所在单位各一份。</p>
    </div>
  );
}

const LEVEL_OF: Record<string, number> = { junior: 0, intermediate: 1, senior: 2 };

export function PrintFormPage() {
  const { id = '' } = useParams();
  const claim = useLoad(() => api.get<Claim>(`/nanxun/claims/${encodeURIComponent(id)}`), [id]);
  if (claim.loading && !claim.data) return <Skeleton active style={{ padding: 24 }} />;
  if (claim.error || !claim.data) return <Result status="404" title="未找到该申请" subTitle={errorText(claim.error)} />;
  return (
    <main className="print-root" style={{ background: '#e9e9e9', minHeight: '100vh', padding: '16px 0' }}>
      <h1 className="sr-only">
        {claim.data.kind === 'shortage_talent' ? '附件2-2' : '附件2-1'} 打印 · {claim.data.applicationNo}
      </h1>
      <Space className="no-print" style={{ display: 'flex', justifyContent: 'center', marginBottom: 16 }}>
        <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()}>
          打印（一式三份）
        </Button>
        <Button onClick={() => window.history.back()}>返回</Button>
      </Space>
      {COPIES.map((copy) => (
        <Paper key={copy} c={claim.data!} copy={copy} />
      ))}
    </main>
  );
}
