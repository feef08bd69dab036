// One analysis per document text, shared by every feature: after an edit the first request that needs
// it parses and binds, the others reuse it. Keyed by URI and compared by text, so a feature stays a
// function of the document.
//
// Completion and hover may also use the document's previous analysis when the text changed since: the
// edit is mapped away (offsets before it are unchanged, offsets after it shift by its length), so they
// answer in a few milliseconds on a 10k-line file while the full analysis waits for the next request
// that needs it (diagnostics, which run debounced after every edit).
//
// The verdicts of a document's `expect` statements are kept here too, by a judge per document that lives
// across edits (src/language/expect-judge.ts): an edit that leaves the network alone traces nothing again.

import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position } from 'vscode-languageserver';
import { ExpectationJudge, analyze, expectationVerdictsOf, problemsOf } from '../language/index';
import type { Problem } from '../language/diagnostics';
import { expectationProblems } from '../language/expect-problems';
import type { ExpectationVerdict } from '../trace/index';
import type { VnetModel } from '../language/model';
import type { Span } from '../language/span';

interface Entry {
  text: string;
  model: VnetModel;
  problems: Problem[] | null;
  verdicts: ExpectationVerdict[] | null;
}

const MAX_ENTRIES = 8;
/** Past this many changed characters the previous analysis is too far off to lean on. */
const MAX_STALE_CHANGE = 2000;
const cache = new Map<string, Entry>();
/** Per document, the verdicts of its expectations, kept across edits: only what an edit changes is traced again. */
const judges = new Map<string, ExpectationJudge>();

function store(uri: string, entry: Entry): void {
  cache.delete(uri);
  cache.set(uri, entry);
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
}

function entryFor(document: TextDocument): Entry {
  const text = document.getText();
  const entry = cache.get(document.uri);
  if (entry && entry.text === text) return entry;
  const fresh: Entry = { text, model: analyze(text), problems: null, verdicts: null };
  store(document.uri, fresh);
  return fresh;
}

export function modelOf(document: TextDocument): VnetModel {
  return entryFor(document).model;
}

function verdictsOf(uri: string, entry: Entry): ExpectationVerdict[] {
  if (entry.verdicts) return entry.verdicts;
  if (!entry.model.expectations.length) return (entry.verdicts = []);
  let judge = judges.get(uri);
  if (!judge) {
    judges.set(uri, judge = new ExpectationJudge());
    if (judges.size > MAX_ENTRIES) judges.delete(judges.keys().next().value!);
  }
  entry.verdicts = expectationVerdictsOf(entry.model, judge);
  return entry.verdicts;
}

/** The verdicts of the document's `expect` statements against its own network, in file order. */
export function verdictsOfDocument(document: TextDocument): ExpectationVerdict[] {
  return verdictsOf(document.uri, entryFor(document));
}

export function problemsOfDocument(document: TextDocument): Problem[] {
  const entry = entryFor(document);
  if (!entry.problems) {
    const verdicts = verdictsOf(document.uri, entry);
    const found = [...problemsOf(entry.model), ...expectationProblems(entry.model, verdicts)];
    entry.problems = found.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  }
  return entry.problems;
}

/** A model with the way between the current text's offsets and the model's. */
export interface RecentModel {
  model: VnetModel;
  /** The model offset of a current offset, or null when it falls inside the edit. */
  toModel(offset: number): number | null;
  /** The current offset of a model span, or null when the span was edited. */
  fromModel(span: Span): Span | null;
  /** Offsets below this are the same text in the document and in the model. */
  unchangedBefore: number;
  fresh: boolean;
}

function identity(model: VnetModel): RecentModel {
  return { model, toModel: (offset) => offset, fromModel: (span) => span, unchangedBefore: model.text.length, fresh: true };
}

/** The current analysis when there is one, else the previous one mapped around the edit. */
export function recentModelOf(document: TextDocument): RecentModel {
  const text = document.getText();
  const entry = cache.get(document.uri);
  if (!entry || entry.text === text) return identity(entryFor(document).model);
  const old = entry.text;
  const limit = Math.min(old.length, text.length);
  let prefix = 0;
  while (prefix < limit && old.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < limit - prefix && old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
  const oldEnd = old.length - suffix;
  const newEnd = text.length - suffix;
  if (Math.max(oldEnd - prefix, newEnd - prefix) > MAX_STALE_CHANGE) return identity(entryFor(document).model);
  const delta = newEnd - oldEnd;
  return {
    model: entry.model,
    fresh: false,
    unchangedBefore: prefix,
    toModel: (offset) => (offset <= prefix ? offset : offset >= newEnd ? offset - delta : null),
    fromModel: (span) => (span.end <= prefix ? span : span.start >= oldEnd ? { start: span.start + delta, end: span.end + delta } : null),
  };
}

export function offsetOf(model: VnetModel, position: Position): number {
  return model.lines.offset(position);
}

/** Drops a closed document's analysis. */
export function forget(uri: string): void {
  cache.delete(uri);
  judges.delete(uri);
}
