import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { CaseFile, CasePin } from '../api/types';

/**
 * The case being worked on, for every part of the UI that pins to it or badges what it pins:
 * one fetch of the case, reloaded after each change, shared through context.
 */
export interface CaseWork {
  readonly caseId: string | null;
  readonly file: CaseFile | null;
  readonly error: Error | null;
  /** The case's pin of an entity id (kind:key) or eventId, if it has one. */
  pinOf(ref: string): CasePin | undefined;
  /** Pins an entity or event to the case, then reloads it. */
  pin(kind: CasePin['kind'], ref: string): Promise<void>;
  /** Runs a change, then reloads the case; a failure is kept in `error`. */
  change(work: () => Promise<unknown>): Promise<void>;
  reload(): void;
}

const NONE: CaseWork = {
  caseId: null,
  file: null,
  error: null,
  pinOf: () => undefined,
  pin: async () => {},
  change: async () => {},
  reload: () => {},
};

const CaseContext = createContext<CaseWork>(NONE);

export function useCase(): CaseWork {
  return useContext(CaseContext);
}

export function CaseProvider({ caseId, children }: { caseId: string | null; children: ReactNode }) {
  const [file, setFile] = useState<CaseFile | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!caseId) {
      setFile(null);
      return;
    }
    const controller = new AbortController();
    api.cases.get(caseId, controller.signal).then(
      (loaded) => {
        setFile(loaded);
        setError(null);
      },
      (failure: Error) => !controller.signal.aborted && setError(failure),
    );
    return () => controller.abort();
  }, [caseId, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const change = useCallback(
    async (work: () => Promise<unknown>) => {
      try {
        await work();
        setError(null);
      } catch (failure) {
        setError(failure as Error);
      }
      reload();
    },
    [reload],
  );
  const value = useMemo<CaseWork>(() => {
    const pins = new Map((file?.caseId === caseId ? file?.pins : [])?.map((p) => [p.ref, p]) ?? []);
    return {
      caseId,
      file: file?.caseId === caseId ? file : null,
      error,
      pinOf: (ref) => pins.get(ref),
      pin: (kind, ref) => (caseId ? change(() => api.cases.pin(caseId, kind, ref)) : Promise.resolve()),
      change,
      reload,
    };
  }, [caseId, file, error, change, reload]);
  return <CaseContext.Provider value={value}>{children}</CaseContext.Provider>;
}
