import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { TrailhoundError } from '../graph/errors';
import type { Progress } from './localNeo4j';

const DB_DIR = dirname(fileURLToPath(import.meta.url));
const TARGET = join(DB_DIR, 'target');
const CLASSPATH_FILE = join(TARGET, 'classpath.txt');
const MAIN_CLASS_FILE = join(TARGET, 'classes', 'dev', 'trailhound', 'db', 'LocalNeo4j.class');
const SOURCES = [join(DB_DIR, 'pom.xml'), join(DB_DIR, 'src', 'main', 'java', 'dev', 'trailhound', 'db', 'LocalNeo4j.java')];

/**
 * Returns the Java classpath of the local Neo4j, building it with Maven the first time (or
 * after pom.xml or the Java main changed). The first run downloads ~160 MB of jars from Maven
 * Central into ~/.m2, so it reports each artifact as it arrives.
 */
export async function resolveNeo4jJars(progress: Progress = () => {}): Promise<string> {
  if (!jarsAreCurrent()) await runMaven(progress);
  const jars = readFileSync(CLASSPATH_FILE, 'utf8').trim();
  return `${join(TARGET, 'classes')}:${jars}`;
}

function jarsAreCurrent(): boolean {
  if (!existsSync(CLASSPATH_FILE) || !existsSync(MAIN_CLASS_FILE)) return false;
  const built = Math.min(statSync(CLASSPATH_FILE).mtimeMs, statSync(MAIN_CLASS_FILE).mtimeMs);
  if (SOURCES.some((file) => statSync(file).mtimeMs > built)) return false;
  // A jar removed from ~/.m2 (cache cleaned) means Maven must fetch it again.
  return readFileSync(CLASSPATH_FILE, 'utf8').trim().split(':').every((jar) => existsSync(jar));
}

async function runMaven(progress: Progress): Promise<void> {
  const mvn = process.env.TRAILHOUND_MVN ?? 'mvn';
  progress('resolving the Neo4j jars with Maven (first start only)');
  const child = spawn(mvn, ['-B', '-f', join(DB_DIR, 'pom.xml'), 'package', '-DskipTests'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  let downloaded = 0;
  const onLine = (line: string) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
    const done = /Downloaded from \S+: (\S+)/.exec(line);
    if (done) {
      downloaded += 1;
      progress(`resolving the Neo4j jars with Maven: ${downloaded} files downloaded (${done[1]!.split('/').pop()})`);
    } else if (/\[INFO\] (Compiling|Building jar|--- )/.test(line)) {
      progress(`building the Neo4j launcher: ${line.replace(/^\[INFO\]\s*/, '').slice(0, 100)}`);
    }
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);
  const code = await new Promise<number | null>((resolvePromise, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new TrailhoundError(
              'MAVEN_MISSING',
              'Maven (`mvn`) is needed once to fetch the Neo4j jars, and it was not found.',
              'Install Maven (e.g. `apt-get install maven`), or set TRAILHOUND_MVN to its path; or run Neo4j with docker-compose and set NEO4J_URI.',
            )
          : error,
      );
    });
    child.once('close', resolvePromise);
  });
  if (code !== 0) {
    throw new TrailhoundError(
      'MAVEN_FAILED',
      `Maven could not build the local Neo4j (exit ${code}). Last lines:\n${tail.slice(-20).join('\n')}`,
      'Read the Maven output above: usually Maven Central (or your mirror in ~/.m2/settings.xml) is unreachable. Then run `npx trailhound db start` again.',
    );
  }
}
