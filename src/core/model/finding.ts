import type { Category } from './check.js';
import type { ObjectRef } from './resource.js';
import type { Severity } from './severity.js';
import type { StandardsMapping } from './standards.js';

export interface FindingLocation {
  file: string;
  document: number;
  /** 1-based; absent when the object did not come from a file with positions */
  line?: number;
  column?: number;
  /** path into the object, e.g. spec.template.spec.containers[0].securityContext */
  path: string;
}

/** Every finding carries a stable check id, severity, the object, location, why and how to fix. */
export interface Finding {
  checkId: string;
  title: string;
  severity: Severity;
  category: Category;
  message: string;
  object: ObjectRef;
  container?: string;
  location: FindingLocation;
  description: string;
  remediation: string;
  references: readonly string[];
  standards: StandardsMapping;
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
  file: string;
  document?: number;
  line?: number;
  column?: number;
  field?: string;
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
  document: number;
  line?: number;
  reason: string;
}
