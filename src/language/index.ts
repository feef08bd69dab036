// The language's front door: text in, a syntax tree, diagnostics and the lowered Lab out.

import type { Lab } from '../model/topology';
import { bind } from './bind';
import { check } from './check';
import { CODES, type Problem, type VnetDiagnostic } from './diagnostics';
import type { ExpectationVerdict } from '../trace/index';
import { ExpectationJudge, networkKeyOf } from './expect-judge';
import { dropStatements, expectationProblems } from './expect-problems';
import type { TraceResult } from '../model/trace-result';
import { lower } from './lower';
import type { VnetModel } from './model';
import { parse } from './parser';
import { LineIndex } from './span';
import type { VnetDocumentSyntax } from './syntax';

export type { VnetDiagnostic, VnetQuickFix, Severity } from './diagnostics';
export type { VnetDocumentSyntax } from './syntax';
export type { VnetModel } from './model';
export { ExpectationJudge } from './expect-judge';

export interface CompileResult {
  /** The desired network, or null when the file has no usable lab name. Apply only when no diagnostic is an error. */
  lab: Lab | null;
  diagnostics: VnetDiagnostic[];
  document: VnetDocumentSyntax;
}

/** Parses and binds: everything the editor features need, without the (costlier) checks. */
export function analyze(text: string): VnetModel {
  const lines = new LineIndex(text);
  const syntax = parse(text);
  return bind(text, lines, syntax);
}

/** Every problem of a bound model: syntax, names, and the semantic checks. */
export function problemsOf(model: VnetModel): Problem[] {
  const syntax: Problem[] = model.syntax.problems.map((p) => ({
    span: { start: p.start, end: p.end },
    severity: CODES[p.code]?.severity ?? 'error',
    code: p.code,
    message: p.message,
    ...(p.fixes ? { fixes: p.fixes } : {}),
  }));
  const all = [...syntax, ...model.problems, ...check(model)];
  return all.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
}

export function toDiagnostic(model: VnetModel, problem: Problem): VnetDiagnostic {
  const diagnostic: VnetDiagnostic = {
    range: model.lines.range(problem.span),
    severity: problem.severity,
    code: problem.code,
    message: problem.message,
  };
  if (problem.fixes?.length) {
    diagnostic.fixes = problem.fixes.map((fix) => ({
      title: fix.title,
      edits: fix.edits.map((edit) => ({ range: model.lines.range(edit.span), newText: edit.newText })),
    }));
  }
  if (problem.related?.length) {
    diagnostic.related = problem.related.map((r) => ({ range: model.lines.range(r.span), message: r.message }));
  }
  return diagnostic;
}

/**
 * The verdicts of the file's `expect` statements against its own network (src/trace), in file order. A
 * judge kept between calls re-traces only what changed, and lowers the network only then (or uses `lab`).
 */
export function expectationVerdictsOf(model: VnetModel, judge = new ExpectationJudge(), lab?: Lab | null): ExpectationVerdict[] {
  const expectations = model.expectations.flatMap((e) => (e.expectation ? [e.expectation] : [])).slice(0, MAX_JUDGED_EXPECTATIONS);
  if (!expectations.length || !model.labName) return [];
  return judge.judge(() => lab ?? lower(model)!, expectations, networkKeyOf(model));
}

/** Past this many expectations in one file, the rest are left to `vnet test`: tracing must not hold up typing. */
export const MAX_JUDGED_EXPECTATIONS = 1000;

/** The verdicts as problems on their lines: a failed one a warning, an uncertain one a note. */
export function expectationProblemsOf(model: VnetModel, judge = new ExpectationJudge(), lab?: Lab | null): Problem[] {
  return expectationProblems(model, expectationVerdictsOf(model, judge, lab));
}

function compileModel(model: VnetModel): CompileResult {
  const lab = lower(model);
  const problems = [...problemsOf(model), ...expectationProblemsOf(model, undefined, lab)].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return {
    lab,
    diagnostics: problems.map((p) => toDiagnostic(model, p)),
    document: model.syntax,
  };
}

export function compileVnet(text: string): CompileResult {
  return compileModel(analyze(text));
}

/** The lines of a .vnet file behind a trace's drop (1-based), their text, and what each has to do with it. */
export function dropSourceLines(text: string, result: TraceResult): { line: number; text: string; why: string }[] {
  if (!result.drop) return [];
  const lines = text.split('\n');
  return dropStatements(analyze(text), result).map(({ line, why }) => ({ line: line + 1, text: (lines[line] ?? '').trim(), why }));
}
