import type { Response } from 'express';
import { z } from 'zod';
import { TrailhoundError } from '../../graph/errors';
import { parseEntityRef } from '../../graph/investigations/entities';
import { findEntityQuery } from '../../graph/investigations/readQueries';
import { exportTimeline } from '../../export/exportTimeline';
import { CONTENT_TYPES, EXPORT_FORMATS, FILE_EXTENSIONS, type ExportFormat } from '../../export/writeTimeline';
import { booleanParam, entityParam, timeParam, timelineFilterParams, timelineFilters } from '../params';
import { route } from '../routeSpec';

export const exportRoutes = [
  route({
    method: 'get',
    path: '/api/export/timeline',
    operationId: 'exportTimeline',
    summary: "An entity's timeline as a file: CloudTrail events (and its sessions'), flow hours and findings, oldest first",
    description:
      'Streamed, never built in memory. csv: for reports, formula-looking cells neutralised. timesketch: JSON Lines with message, datetime, timestamp (µs), timestamp_desc. ' +
      'ocsf: JSON Lines, API Activity (6003), Network Activity (4001), Detection Finding (2004). json: one array. With a filter (service, API, errors, read-only) only the matching events are exported, without flows and findings. ' +
      'An export that reaches a cap (by default 200,000 flow hours and 10,000 findings; 20,000 sessions) says so: its first entries are notes (type "note"; in OCSF a Base Event) and the Trailhound-Export-Incomplete header names what was left out.',
    tag: 'exports',
    query: z.object({
      entity: entityParam,
      format: z.enum(EXPORT_FORMATS).default('csv'),
      from: timeParam.optional(),
      to: timeParam.optional(),
      includeSessions: booleanParam.default(true),
      ...timelineFilterParams,
    }),
    response: { stream: Object.values(CONTENT_TYPES) },
    handler: async ({ query, context, res }) => {
      const ref = parseEntityRef(query.entity);
      const found = await context.graph.read(findEntityQuery(ref.kind), { key: ref.key });
      if (!found.records[0]) throw new TrailhoundError('NOT_FOUND', `No ${ref.kind} ${ref.key.slice(0, 200)} in the graph.`);
      const format = query.format as ExportFormat;
      const name = `trailhound-${ref.kind}-${ref.key.replace(/[^A-Za-z0-9._-]+/g, '_').slice(-60)}.${FILE_EXTENSIONS[format]}`;
      res.status(200);
      res.setHeader('Content-Type', CONTENT_TYPES[format]);
      res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
      // A client that goes away stops the export (and frees its Neo4j session), also while a
      // write waits for the client to read: 'close' wakes that wait as 'drain' would.
      let gone = false;
      res.once('close', () => (gone = !res.writableFinished));
      // What the export leaves out is known before its first byte: a header says it, and the
      // file's first entry (a note) too.
      const notes: string[] = [];
      const onIncomplete = (note: string) => {
        notes.push(note);
        if (!res.headersSent) res.setHeader(INCOMPLETE_HEADER, notes.join(' | '));
      };
      const options = { from: query.from ?? 0, to: query.to ?? 8_640_000_000_000, includeSessions: query.includeSessions, filters: timelineFilters(query), onIncomplete };
      await exportTimeline(context.graph, context.events, ref, options, format, async (text) => {
        if (gone) throw new TrailhoundError('CLIENT_GONE', 'the client went away');
        if (!res.write(text)) await drainedOrClosed(res);
        if (gone) throw new TrailhoundError('CLIENT_GONE', 'the client went away');
      }).catch((error: { code?: string }) => {
        if (error.code !== 'CLIENT_GONE') throw error;
      });
      res.end();
    },
  }),
];

/** Set when an export leaves something out (its notes, joined); the file's first entries say the same. */
export const INCOMPLETE_HEADER = 'Trailhound-Export-Incomplete';

function drainedOrClosed(res: Response): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
