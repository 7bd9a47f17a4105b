/** Chinese terms as the seeds use them. Unknown codes fall back to the code itself. */
import type { Role } from '../../../platform/auth/roles';

const pick = (m: Record<string, string>) => (code: string | null | undefined) => (code == null ? '—' : (m[code] ?? code));

export const CLAIM_STATUS: Record<string, string> = {
  unit_verification: '单位审核中',
  bureau_review: '区应急管理局初审中',
  rereview: '复审中',
  payout: '待发放',
  paid: '已发放',
  awaiting_next_instalment: '等待下一期',
  completed: '已办结',
  rejected: '不予核准',
  clawed_back: '已追回',
  terminated: '已终止（已发部分不追回）',
  cancelled: '已撤销',
};
export const claimStatus = pick(CLAIM_STATUS);

export const CLAIM_STATUS_COLOR: Record<string, string> = {
  unit_verification: 'processing',
  bureau_review: 'processing',
  rereview: 'processing',
  payout: 'cyan',
  paid: 'success',
  awaiting_next_instalment: 'gold',
  completed: 'success',
  rejected: 'error',
  clawed_back: 'magenta',
  terminated: 'warning',
};

export const CLAIM_KIND: Record<string, string> = {
  certificate: '资格证书奖励',
  shortage_talent: '紧缺人才奖励',
  high_level: '高层次人才奖励',
};
export const claimKind = pick(CLAIM_KIND);

export const LEVEL: Record<string, string> = { junior: '初级', intermediate: '中级', senior: '高级' };
export const level = pick(LEVEL);
export const LEVEL_AMOUNT: Record<string, number> = { junior: 1000, intermediate: 2000, senior: 3000 };

// the Zhejiang title review
export const TITLE_LEVEL: Record<string, string> = { senior: '高级工程师', professor: '正高级工程师' };
export const CATEGORY: Record<string, string> = { safety_science: '安全科学应用', technical_service: '安全技术服务', production_management: '安全生产管理' };
export const CHANNEL: Record<string, string> = { standard: '常规申报', landmark: '标志性业绩（绿色通道）', scored: '量化赋分达标' };

export const TASK_KIND: Record<string, string> = {
  unit_verification: '单位审核',
  bureau_review: '初审',
  rereview: '复审',
  instalment_verification: '年度单位核实',
  unit_recommendation: '单位推荐',
  competent_dept_review: '主管部门审核',
  lower_committee_recommendation: '下一级评委会推荐',
  qualification_review: '资格审查',
  hrss_approval: '人社厅审批',
  objection_investigation: '异议调查',
  clawback_review: '追回审核',
};
export const taskKind = pick(TASK_KIND);

/** The organisation and step as the progress bar shows them. */
export const STAGE: Record<string, string> = {
  submitted: '提交申请',
  unit_verification: '单位审核',
  bureau_review: '区应急管理局初审',
  rereview: '复审',
  payout: '发放',
  paid: '已发放',
  completed: '已办结',
  rejected: '不予核准',
  clawed_back: '已追回',
  terminated: '已终止',
  awaiting_next_instalment: '等待下一期',
  unit_recommendation: '单位推荐',
  competent_dept_review: '主管部门审核',
  lower_committee_recommendation: '下一级评委会推荐',
  qualification_review: '资格审查',
  publicity: '公示',
  meeting: '评审会议',
  hrss_approval: '人社厅审批',
  // the title review (浙江省职称评审)
  committee: '抽取评审委员会',
  ready: '待开会',
  balloting: '评审投票',
  certificate: '颁发证书',
  misconduct: '弄虚作假处理',
  unit_publicity: '单位内部公示',
  qualified: '资格审查通过',
  deferred: '转下一年度评审',
  pre_review: '评前公示',
  passed: '评审通过',
  failed: '评审未通过',
  results_publicity: '评审结果公示',
  certified: '已颁发电子证书',
  overturned: '异议成立，撤销通过结果',
  disqualified: '取消评审资格',
  withdrawn: '已撤回 / 取消',
};
export const stage = pick(STAGE);

/** the session workflow's phases (titleReview/workflows/titleSession.ts), and the two issues that hold it */
export const SESSION_STATUS: Record<string, string> = {
  accepting: '受理申报',
  pre_review: '评前公示 · 方案报省人力社保厅',
  ready: '待开会（方案已核准，评前公示结束）',
  meeting: '评审会议中',
  interviews: '面试答辩中',
  balloting: '投票中',
  results_publicity: '评审结果公示',
  completed: '已发文，颁发电子证书',
  plan_rejected: '方案未获核准，待重新报送',
  meeting_date_must_move: '须调整会议日期',
};

export const TASK_STATE: Record<string, string> = { open: '待办', paused: '待补正', done: '已办', cancelled: '已撤销' };
export const taskState = pick(TASK_STATE);
export const TASK_STATE_COLOR: Record<string, string> = { open: 'processing', paused: 'warning', done: 'success', cancelled: 'default' };

export const DECISION: Record<string, string> = {
  approve: '核准',
  reject: '不核准',
  request_supplement: '要求补正材料',
  true: '属实',
  not_true: '不属实',
  no_record: '暂无该证书信息',
  recommend: '推荐',
  pass: '通过',
  fail: '不通过',
};
export const decision = pick(DECISION);

export const VERDICT: Record<string, string> = { true: '属实', not_true: '不属实', no_record: '暂无该证书信息' };

export const EVENT: Record<string, string> = {
  submitted: '提交申请',
  task_opened: '收件',
  decided: '作出决定',
  supplement_requested: '要求补正材料',
  supplement_submitted: '已补正材料',
  deadline_warning: '临近办结期限（预警）',
  escalated_overdue: '逾期催办',
  deadline_recomputed: '重新计算办结期限',
  task_cancelled: '任务撤销',
  paid: '奖励已发放',
  rejected: '不予核准',
  closed_paid: '办结（已发放）',
  clawed_back: '全额追回',
  terminated: '终止发放（已发部分不追回）',
  blacklisted: '列入黑名单',
  instalment_released: '下一期开始核实',
  payout_awaiting_budget: '等待专项经费预算',
  closed_completed: '办结',
  // the title review
  unit_publicity: '单位内部公示',
  publicity_opened: '发布公示',
  publicity_closed: '公示期满',
  pre_review_started: '开始评前公示，报送评审工作方案',
  plan_approved: '评审工作方案获核准',
  plan_rejected: '评审工作方案未获核准',
  plan_resubmitted: '重新报送评审工作方案',
  approval_deadline_missed: '未在会前10个工作日核准',
  approval_too_late: '核准晚于会前10个工作日',
  meeting_moved: '调整评审会议日期',
  meeting_date_ok: '会议日期符合要求',
  ready_for_meeting: '具备开会条件',
  committee_drawn: '随机抽取评审委员会',
  attendance_recorded: '记录出席情况',
  awaiting_interviews: '等待面试答辩',
  interview_recorded: '记录面试答辩',
  ballot_opened: '开始无记名投票',
  ballot_closed: '投票结束，计票',
  results_announced: '宣布评审结果',
  qualified: '资格审查通过',
  passed: '评审通过',
  failed: '评审未通过',
  results_publicity: '评审结果公示',
  certificate_issued: '颁发电子证书',
  certified: '已颁发电子证书',
  overturned: '撤销评审通过结果',
  disqualified: '取消评审资格',
  withdrawn: '撤回 / 取消',
  misconduct: '弄虚作假处理',
  completed: '办结',
  employer_moved: '申请人所在单位变更所属镇（开发区）或行业监管部门',
};
export const event = pick(EVENT);

/** every role the API knows (platform/auth/roles.ts), each with its name */
export const ROLE: Record<string, string> = {
  applicant: '申请人',
  unit_verifier: '单位审核员',
  bureau_reviewer: '区应急管理局初审',
  rereviewer: '复审单位经办人',
  competent_dept: '主管部门',
  lower_committee: '下一级评委会',
  committee_office: '评委会办公室',
  hrss_approver: '人社厅审批',
  expert: '评审专家',
  admin: '系统管理员',
  security_admin: '安全管理员',
  auditor: '审计管理员',
  legal_person: '企业法人',
} satisfies Record<Role, string>;
export const role = pick(ROLE);

export const EMPLOYER_NATURE: Record<string, string> = { production: '生产经营单位', government: '政府部门', other: '其他' };

export const INELIGIBLE: Record<string, string> = {
  WINDOW_EXPIRED: '已超过证书领取后6个月的申请期限（已公告集中申请期的，须为申请期截止前6个月内领取的证书）',
  OUTSIDE_APPLICATION_PERIOD: '不在区应急管理局公告的集中申请期内',
  LEVEL_NOT_INTERMEDIATE: '紧缺人才奖励仅限中级注册安全工程师',
  CONTRACT_TOO_SHORT: '劳动合同期限不足3年',
  CONTRIBUTIONS_TOO_SHORT: '社会保险和个人所得税缴纳不满1年',
  NOT_FIRST_INTRODUCTION: '非企业首次引入',
  BLACKLISTED: '因弄虚作假被取消申请资格',
  EMPLOYER_NOT_IN_DISTRICT: '工作单位不在南浔区',
  RECEIVED_BEFORE_ISSUED: '领取日期早于发证日期',
  CERTIFICATE_NOT_YET_RECEIVED: '证书领取日期晚于今天',
  CERTIFICATE_BEFORE_2019: '证书须为2019年起取得',
  DECLARATION_REFUSED: '未同意申请人声明',
  UNKNOWN_EMPLOYER: '工作单位未登记',
  EMPLOYER_INACTIVE: '工作单位已停用，不再受理新申请',
  NO_REREVIEW_BODY: '工作单位无复审单位记录',
  BANNED: '处于禁止申报期内',
  CHANNEL_NOT_ALLOWED: '该级别不允许此申报渠道',
  SESSION_CLOSED: '评审会已停止受理申报',
  COMMITMENT_REQUIRED: '须承诺申报材料真实',
  TITLE_TOO_LOW: '正高级评审专家须具有正高级职称',
  SENIOR_TITLE_UNDER_5_YEARS: '高级评审专家须取得高级职称满5年',
  PROFESSOR_TITLE_UNDER_3_YEARS: '正高级评审专家须取得正高级职称满3年',
};

/** A problem+json answer in words a clerk understands. */
export const ERROR: Record<string, string> = {
  PASSWORD_LOGIN_DISABLED: '您的岗位已关闭密码登录，请使用浙政钉扫码登录',
  SIGN_IN_EXPIRED: '登录已过期或已使用，请重新登录',
  IDP_UNAVAILABLE: '统一身份认证平台暂时无法访问，请稍后再试',
  IDP_REFUSED: '统一身份认证平台未确认本次登录',
  NOT_LINKED: '该浙政钉账号尚未关联本系统账号，请联系本单位系统管理员',
  ENTERPRISE_NOT_REGISTERED: '该企业尚未在本系统登记或已停用，请联系区应急管理局',
  UNAUTHENTICATED: '登录已过期，请重新登录',
  FORBIDDEN: '当前角色无权进行此操作',
  NOT_YOUR_TASK: '该任务不属于您的单位，或与您本人有关',
  NOT_FOUND: '未找到相关记录',
  ALREADY_REGISTERED: '该身份证号已注册账号',
  USERNAME_TAKEN: '用户名已被占用',
  DUPLICATE_CLAIM: '您已有同类（同级别）的申请在办或已获奖励',
  TASK_ALREADY_DECIDED: '该任务已办结',
  TASK_PAUSED: '该任务正在等待申请人补正材料',
  TASK_NOT_PAUSED: '当前没有待补正的材料',
  IDENTITY_MISMATCH: '申请只能以本人身份提交',
  NOT_ELIGIBLE: '不符合申请条件',
  INVALID_DECISION: '审核意见不符合要求',
  RATE_LIMITED: '操作过于频繁，请稍后再试',
  ACCOUNT_LOCKED: '密码错误次数过多，账号已暂时锁定，请稍后再试或联系管理员解锁',
  PASSWORD_CHANGE_REQUIRED: '请先修改初始密码',
  WEAK_PASSWORD: '密码强度不足：至少8位，且不能是常见密码、简单规律或与用户名、姓名相同',
  WRONG_PASSWORD: '当前密码不正确',
  EXPERT_HAS_ACCOUNT: '该专家已有账号',
  TEMPORAL_UNAVAILABLE: '流程服务暂不可用，请稍后再试',
  DB_UNAVAILABLE: '数据库暂不可用，请稍后再试',
  VALIDATION_FAILED: '填写内容有误',
  INVALID_CREDIT_CODE: '统一社会信用代码不正确',
  DUPLICATE_CREDIT_CODE: '该统一社会信用代码已登记',
  UNKNOWN_ORG: '所填的镇（开发区）、监管部门或其他单位不存在',
  INVALID_CSV: '文件不是有效的CSV，或缺少表头（名称、统一社会信用代码）',
  IMPORT_HAS_INVALID_ROWS: '部分行有误，未导入任何数据',
  NOTICE_CLOSED: '公示期已结束，不再受理异议',
  POOL_TOO_SMALL: '专家库人数不足，无法抽取',
  QUORUM_NOT_MET: '出席人数不足17人',
  NOT_A_VOTING_MEMBER: '您不是本次评审会的出席委员',
  ALREADY_VOTED: '您已投过票',
  BALLOT_CLOSED: '投票未开放或已结束',
  NOT_PRESIDING: '仅出席会议的主任委员或副主任委员可宣布投票结束',
  NOT_SHARE_HOLDER: '仅出席会议的主任委员和副主任委员持有计票密钥份额',
  SHARE_ALREADY_COLLECTED: '您的密钥份额已领取过，只显示一次，系统不再保存',
  WRONG_BALLOT_SHARE: '密钥份额不正确，请逐字核对（格式：ZJBS1-序号-64位十六进制）',
  BALLOT_SHARES_NEEDED: '计票需主任委员、副主任委员中至少两人出示密钥份额',
  INVALID_BALLOT: '选票须对每位申报人各表决一次',
  SESSION_STATE: '评审会当前阶段不能进行此操作',
  SESSION_EXISTS: '该年度该级别的评审会已存在',
  MEETING_TOO_SOON: '会议日期过近：评审方案须在会议10个工作日前获省人力社保厅批准',
  DUPLICATE_APPLICATION: '您本年度已提交过职称申报',
  NETWORK: '网络连接失败',
  UNSUPPORTED_MEDIA_TYPE: '文件类型不受支持：导入请上传CSV文件；申请材料仅支持 PDF、JPG、PNG（按文件内容识别）',
  PAYLOAD_TOO_LARGE: '文件过大：单个文件不超过 10 MB，全部材料合计不超过 50 MB',
  MATERIALS_MISSING: '申请材料不齐全',
  MATERIAL_UNAVAILABLE: '所选材料不可用（已提交或已删除），请重新上传',
  ALREADY_RATED: '您已评价过本次办理',
  NOT_ENDED: '办结后才能评价',
  SMS_CODE_INVALID: '短信验证码不正确、已过期或已使用，请重新获取',
  NOT_A_CLAIMANT: '该用户名不是以此身份证号注册的账号',
};

const MATERIAL_KIND_TEXT: Record<string, string> = {
  id_card: '身份证复印件',
  certificate: '证书复印件',
  contract: '劳动合同',
  social_insurance: '社保缴纳证明',
  tax: '个人所得税缴纳证明',
  achievement: '业绩材料',
  other: '其他材料',
};

const CHINESE = /[\u4e00-\u9fff]/;

/**
 * A refusal in words a clerk understands. The API's `detail` is English for programmers: it is shown only when it
 * is Chinese; a code without Chinese text here reads as a general failure, never as the code itself.
 */
export function errorText(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err) {
    const e = err as { code: string; detail?: string; reasons?: string[] };
    const chineseDetail = e.detail && CHINESE.test(e.detail) ? e.detail : undefined;
    const base = ERROR[e.code] ?? chineseDetail ?? '操作未能完成，请稍后重试';
    const missing = (e as { body?: { missing?: unknown } }).body?.missing;
    if (e.code === 'MATERIALS_MISSING' && Array.isArray(missing))
      return `${base}，尚缺：${missing.map((k) => MATERIAL_KIND_TEXT[String(k)] ?? '其他材料').join('、')}`;
    const reasons = (e.reasons ?? []).map((r) => INELIGIBLE[r]).filter(Boolean);
    if (reasons.length) return `${base}：${reasons.join('；')}`;
    if (chineseDetail && ERROR[e.code] && chineseDetail !== ERROR[e.code]) return `${base}（${chineseDetail}）`;
    return base;
  }
  return err instanceof Error && CHINESE.test(err.message) ? err.message : '操作未能完成，请稍后重试';
}
