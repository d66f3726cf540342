import type { MessageData } from './check.js';
import type { ObjectRef } from './resource.js';
import type { Severity } from './severity.js';
import type { Source } from './source.js';

/** Where in its source a finding is. The source itself (file, template, cluster, ...) is the finding's `source`. */
export interface FindingLocation {
  /** 0-based index of the document (or, for a cluster, of the object in what was read) */
  document: number;
  /** path into the object, e.g. spec.template.spec.containers[0].securityContext */
  path: string;
  /** 1-based; absent when the object did not come from text with positions */
  line?: number;
  column?: number;
}

/**
 * What a check found on one object, as the engine keeps it: the check is named by id (its
 * title, description, remediation, references and standards are in the catalog, and the
 * report adds them: `buildReport`); the severity is the one the check ran at.
 */
export interface Finding {
  checkId: string;
  severity: Severity;
  /** the sentence, rendered by the engine */
  message: string;
  /** the check's message id and data the sentence was rendered from (the engine sets them on every finding it makes) */
  messageId?: string;
  data?: MessageData;
  object: ObjectRef;
  container?: string;
  source: Source;
  location: FindingLocation;
}

export interface Suppression {
  finding: Finding;
  source: 'annotation' | 'config';
  reason: string;
  expires?: string;
}

/** An input problem: the file, line and field at fault; scanning continues. */
export interface InputError {
  code: InputErrorCode;
  message: string;
  /** the input as reports print it (`sourceLabel(source)` when the input has a typed source) */
  file: string;
  /** the typed source, when the problem is in one (never written to the JSON report) */
  source?: Source;
  document?: number;
  line?: number;
  column?: number;
  field?: string;
  /**
   * The kind of the objects this error left unread, when the reader knows it (a forbidden or
   * failed list on --cluster names its kind). Absent on an input that was not read at all or
   * did not parse: its objects could have been of any kind (see `unreadKinds`).
   */
  kind?: string;
}

export type InputErrorCode =
  | 'yaml-syntax'
  | 'alias-limit'
  | 'depth-limit'
  | 'file-too-large'
  | 'binary-file'
  | 'read-error'
  | 'render-error'
  | 'missing-program'
  | 'invalid-object'
  | 'invalid-exception'
  | 'check-error'
  | 'forbidden'
  | 'cluster-error';

/** A document that was read but is not a Kubernetes object. */
export interface SkippedDocument {
  file: string;
  /** the typed source (never written to the JSON report) */
  source?: Source;
  document: number;
  line?: number;
  reason: string;
}
