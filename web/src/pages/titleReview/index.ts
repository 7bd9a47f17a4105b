/** The Zhejiang senior-title review (浙江省安全工程专业高级/正高级工程师评审) pages, one file per page. */
export { SessionsPage } from './Sessions';
export { SessionDetailPage } from './SessionDetail';
export { ExpertsPage } from './Experts';
export { BallotListPage } from './BallotList';
export { BallotPage } from './Ballot';
export { TitleApplyPage } from './TitleApply';
export { TitleApplicationPage } from './TitleApplication';
