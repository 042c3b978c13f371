import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const PYTHON = join(import.meta.dirname, '..', '..', '.venv-test', 'bin', 'python');
const SCRIPT = join(import.meta.dirname, 'validate_ocsf.py');

export interface OcsfValidation {
  readonly lines: number;
  /** Lines per OCSF class (the schema's class names: api_activity, network_activity...). */
  readonly byClass: Record<string, number>;
  readonly errorCount: number;
  /** The first 200 errors: file, line, class, where in the record, and the schema's message. */
  readonly errors: { file: string; line: number; class: string | null; path: string; message: string }[];
}

/**
 * Every line of OCSF JSON Lines files checked against the OCSF JSON schema of the version and
 * profiles it declares, as the `ocsf-json-schema` package (PyPI, in the test venv) generates
 * it, with `jsonschema` (test/support/validate_ocsf.py).
 */
export async function validateOcsf(files: readonly string[]): Promise<OcsfValidation> {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: .ci/run creates the test venv (ocsf-json-schema, jsonschema)`);
  const { stdout } = await promisify(execFile)(PYTHON, [SCRIPT, ...files], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as OcsfValidation;
}
