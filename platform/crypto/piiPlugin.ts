/**
 * A Kysely plugin that keeps ID numbers and phone numbers encrypted at rest without the queries above it knowing
 * (personalData.ts has the columns):
 * - INSERT / UPDATE: an ID number column gets its blind index and `<column>_enc` its ciphertext; a phone column
 *   gets its ciphertext;
 * - WHERE / JOIN ON `idColumn = 'value'` (also <>, in, not in): the value becomes its blind index(es), so equality
 *   lookups, joins and unique indexes work on the indexes;
 * - the outermost SELECT / RETURNING of an ID number column reads `<column>_enc` instead; results are decrypted
 *   (every ciphertext string, also inside JSON documents such as the claim view), so callers see plain values.
 * Raw SQL (`sql\`…\`.execute(db)`) is neither rewritten nor decrypted: it reads and writes what is stored (the
 * migration and the rotation use it; other code must not write personal data with raw SQL).
 */
import {
  AliasNode,
  BinaryOperationNode,
  ColumnNode,
  ColumnUpdateNode,
  IdentifierNode,
  OperationNodeTransformer,
  OperatorNode,
  PrimitiveValueListNode,
  ReferenceNode,
  SelectionNode,
  ValueListNode,
  ValueNode,
  ValuesNode,
  type InsertQueryNode,
  type KyselyPlugin,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type ReturningNode,
  type RootOperationNode,
  type SelectQueryNode,
  type UnknownRow,
  type UpdateQueryNode,
} from 'kysely';
import { blindIndex, blindIndexes, isBlindIndex } from './blindIndex';
import { keyring } from './keys';
import { decryptDeep, ENCRYPTED_COLUMNS, encryptPii, INDEXED_COLUMNS } from './personalData';

function columnName(n: OperationNode): string | undefined {
  if (n.kind === 'ColumnNode') return (n as ColumnNode).column.name;
  if (n.kind === 'ReferenceNode') {
    const c = (n as ReferenceNode).column;
    return c.kind === 'ColumnNode' ? c.column.name : undefined;
  }
  return undefined;
}

const enc = (c: string) => `${c}_enc`;
const protect = (c: string, v: unknown) => (typeof v !== 'string' ? v : INDEXED_COLUMNS.has(c) ? blindIndex(v) : ENCRYPTED_COLUMNS.has(c) ? encryptPii(v) : v);
const cipher = (v: unknown) => (typeof v === 'string' ? encryptPii(v) : v === undefined ? null : v);

function refuseExpression(c: string): never {
  throw new Error(`personal data column "${c}" must be written with a value, not an expression (piiPlugin)`);
}

class Writer extends OperationNodeTransformer {
  protected override transformInsertQuery(node: InsertQueryNode, queryId?: Parameters<OperationNodeTransformer['transformNode']>[1]): InsertQueryNode {
    const t = super.transformInsertQuery(node, queryId);
    if (!t.columns || !t.values || t.values.kind !== 'ValuesNode') return t;
    const cols = t.columns.map((c) => c.column.name);
    if (!cols.some((c) => INDEXED_COLUMNS.has(c) || ENCRYPTED_COLUMNS.has(c))) return t;
    const extra = cols.filter((c) => INDEXED_COLUMNS.has(c) && !cols.includes(enc(c)));
    const rows = (t.values as ValuesNode).values.map((row) => {
      if (row.kind === 'PrimitiveValueListNode') {
        const vals = row.values.map((v, i) => protect(cols[i]!, v));
        return PrimitiveValueListNode.create([...vals, ...extra.map((c) => cipher(row.values[cols.indexOf(c)]))]);
      }
      const nodes = (row as ValueListNode).values;
      const vals = nodes.map((n, i) => {
        const c = cols[i]!;
        if (!INDEXED_COLUMNS.has(c) && !ENCRYPTED_COLUMNS.has(c)) return n;
        if (n.kind === 'ValueNode') return ValueNode.create(protect(c, (n as ValueNode).value));
        if (n.kind === 'DefaultInsertValueNode') return n;
        return refuseExpression(c);
      });
      const added = extra.map((c) => {
        const n = nodes[cols.indexOf(c)]!;
        return n.kind === 'ValueNode' ? ValueNode.create(cipher((n as ValueNode).value)) : ValueNode.create(null);
      });
      return ValueListNode.create([...vals, ...added]);
    });
    return { ...t, columns: [...t.columns, ...extra.map((c) => ColumnNode.create(enc(c)))], values: ValuesNode.create(rows) };
  }

  protected override transformUpdateQuery(node: UpdateQueryNode, queryId?: Parameters<OperationNodeTransformer['transformNode']>[1]): UpdateQueryNode {
    const t = super.transformUpdateQuery(node, queryId);
    if (!t.updates?.length) return t;
    const updates: ColumnUpdateNode[] = [];
    for (const u of t.updates) {
      const c = columnName(u.column);
      if (!c || (!INDEXED_COLUMNS.has(c) && !ENCRYPTED_COLUMNS.has(c))) {
        updates.push(u);
        continue;
      }
      if (u.value.kind !== 'ValueNode') refuseExpression(c);
      const v = (u.value as ValueNode).value;
      updates.push(ColumnUpdateNode.create(u.column, ValueNode.create(protect(c, v))));
      if (INDEXED_COLUMNS.has(c)) updates.push(ColumnUpdateNode.create(ColumnNode.create(enc(c)), ValueNode.create(cipher(v))));
    }
    return { ...t, updates };
  }

  protected override transformBinaryOperation(
    node: BinaryOperationNode,
    queryId?: Parameters<OperationNodeTransformer['transformNode']>[1],
  ): BinaryOperationNode {
    const t = super.transformBinaryOperation(node, queryId);
    const c = columnName(t.leftOperand);
    if (!c || !INDEXED_COLUMNS.has(c) || t.operator.kind !== 'OperatorNode') return t;
    const op = (t.operator as OperatorNode).operator;
    const r = t.rightOperand;
    const values: unknown[] | undefined =
      r.kind === 'ValueNode'
        ? [(r as ValueNode).value]
        : r.kind === 'PrimitiveValueListNode'
          ? [...(r as PrimitiveValueListNode).values]
          : r.kind === 'ValueListNode' && (r as ValueListNode).values.every((n) => n.kind === 'ValueNode')
            ? (r as ValueListNode).values.map((n) => (n as ValueNode).value)
            : undefined;
    if (!values?.every((v) => typeof v === 'string')) return t;
    // a value that already is a blind index (a person reference from a workflow, platform/identity/personRef.ts)
    // is compared as it is
    const all = (values as string[]).flatMap((v) => (isBlindIndex(v) ? [v] : blindIndexes(v)));
    if (op === '=' || op === 'in') return BinaryOperationNode.create(t.leftOperand, OperatorNode.create('in'), PrimitiveValueListNode.create(all));
    if (op === '<>' || op === '!=' || op === 'not in')
      return BinaryOperationNode.create(t.leftOperand, OperatorNode.create('not in'), PrimitiveValueListNode.create(all));
    throw new Error(`personal data column "${c}" supports only equality comparisons (piiPlugin), not "${op}"`);
  }
}

/** The outermost query's selected ID-number columns read their ciphertext (kept under the column's name). */
function readCiphertexts<N extends SelectionNode>(s: N): SelectionNode {
  const sel = s.selection;
  const swap = (ref: OperationNode): OperationNode | undefined => {
    if (ref.kind !== 'ReferenceNode') return undefined;
    const r = ref as ReferenceNode;
    const c = columnName(r);
    return c && INDEXED_COLUMNS.has(c) ? ReferenceNode.create(ColumnNode.create(enc(c)), r.table) : undefined;
  };
  if (sel.kind === 'ReferenceNode') {
    const swapped = swap(sel);
    return swapped ? SelectionNode.create(AliasNode.create(swapped, IdentifierNode.create(columnName(sel)!))) : s;
  }
  if (sel.kind === 'AliasNode') {
    const swapped = swap(sel.node);
    return swapped ? SelectionNode.create(AliasNode.create(swapped, sel.alias)) : s;
  }
  return s;
}

export class PiiPlugin implements KyselyPlugin {
  private readonly writer = new Writer();
  /** raw SQL queries: their results are returned as stored (migrations and the rotation read ciphertexts) */
  private readonly raw = new WeakSet<object>();

  constructor() {
    keyring(); // no keys, no start (production); generated on first use in development
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (args.node.kind === 'RawNode') {
      this.raw.add(args.queryId);
      return args.node;
    }
    let node = this.writer.transformNode(args.node) as RootOperationNode;
    if (node.kind === 'SelectQueryNode') {
      const q = node as SelectQueryNode;
      if (q.selections) node = { ...q, selections: q.selections.map(readCiphertexts) };
    } else if (
      (node.kind === 'InsertQueryNode' || node.kind === 'UpdateQueryNode' || node.kind === 'DeleteQueryNode') &&
      (node as { returning?: ReturningNode }).returning
    ) {
      const ret = (node as { returning: ReturningNode }).returning;
      node = { ...node, returning: { ...ret, selections: ret.selections.map(readCiphertexts) } } as RootOperationNode;
    }
    return node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const rows = args.result.rows;
    if (!rows?.length || this.raw.has(args.queryId)) return args.result;
    const ring = keyring();
    for (const row of rows) {
      for (const k of Object.keys(row)) {
        if (k.endsWith('_enc') && INDEXED_COLUMNS.has(k.slice(0, -4))) {
          const base = k.slice(0, -4);
          if (row[k] != null || !(base in row)) row[base] = row[k];
          delete row[k];
        }
      }
      decryptDeep(row, ring);
    }
    return args.result;
  }
}
