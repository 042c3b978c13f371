import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;
import org.neo4j.io.ByteUnit;

/**
 * How fast this machine's Neo4j can store what Trailhound stores, with nothing else in the way:
 * in-process (no Bolt, no Node), one writer thread, the real schema, real rows written by
 * test/bench/storageFloor.ts. One trial per JVM (a fresh store and a cold JIT, as a fresh
 * server has), so trials do not warm each other:
 *
 *   events-cypher  the ingest's own Event query (UNWIND ... CREATE), batches of 1,000
 *   events-core    the same nodes through the Core API: no Cypher at all
 *   events-core-2  the same, two writer threads (the machine's two cores; Node gets none)
 *   flows-cypher   the ingest's own FLOW merge query, statements of 10,000 rows
 *   flows-core     the same merge through the Core API: edgeKey seek, then create or add
 *
 * The first fifth of the rows warms the JIT and is not timed. Flows are then written a second
 * time: every row adds to an edge that exists, as a later file of the same hour does.
 * Prints one JSON line per timed phase.
 */
public final class StorageFloor {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        String trial = args[0];
        Path inputs = Path.of(args[1]);
        Path home = Files.createTempDirectory("trailhound-floor-");
        DatabaseManagementService service = new DatabaseManagementServiceBuilder(home)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.gibiBytes(2))
                .build();
        try {
            GraphDatabaseService db = service.database("neo4j");
            for (String statement : Files.readString(inputs.resolve("schema.cypher")).split(";\n")) {
                if (statement.isBlank()) continue;
                try (Transaction tx = db.beginTx()) {
                    tx.execute(statement).close();
                    tx.commit();
                }
            }
            try (Transaction tx = db.beginTx()) {
                tx.execute("CALL db.awaitIndexes(300)").close();
                tx.commit();
            }
            if (trial.startsWith("events")) events(db, trial, inputs);
            else flows(db, trial, inputs);
        } finally {
            service.shutdown();
        }
    }

    // ---- Event nodes -------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private static void events(GraphDatabaseService db, String trial, Path inputs) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(inputs.resolve("events.jsonl"))) {
            for (String line; (line = reader.readLine()) != null; ) rows.add(longs(JSON.readValue(line, Map.class)));
        }
        String query = Files.readString(inputs.resolve("events.cypher"));
        Label event = Label.label("Event");
        int warm = rows.size() / 5;
        for (int phase = 0; phase < 2; phase++) {
            List<Map<String, Object>> part = phase == 0 ? rows.subList(0, warm) : rows.subList(warm, rows.size());
            long started = System.nanoTime();
            int writers = trial.endsWith("-2") ? 2 : 1;
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int first = w;
                Thread thread = new Thread(() -> {
                    // Writer w takes every writers-th batch of 1,000.
                    for (int i = first * 1000; i < part.size(); i += writers * 1000) {
                        List<Map<String, Object>> batch = part.subList(i, Math.min(part.size(), i + 1000));
                        try (Transaction tx = db.beginTx()) {
                            if (trial.endsWith("cypher")) tx.execute(query, Map.of("rows", batch)).close();
                            else for (Map<String, Object> props : batch) {
                                Node node = tx.createNode(event);
                                for (Map.Entry<String, Object> p : props.entrySet()) node.setProperty(p.getKey(), p.getValue());
                            }
                            tx.commit();
                        }
                    }
                });
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) thread.join();
            if (phase == 1) report(trial, "new Event nodes", part.size(), System.nanoTime() - started);
        }
    }

    /** JSON numbers arrive as Integer or Long; Neo4j's declared ints are longs. */
    private static Map<String, Object> longs(Map<String, Object> props) {
        Map<String, Object> out = new HashMap<>();
        for (Map.Entry<String, Object> p : props.entrySet()) {
            Object v = p.getValue();
            if (v == null) continue;
            out.put(p.getKey(), v instanceof Integer n ? Long.valueOf(n) : v);
        }
        return out;
    }

    // ---- FLOW edges --------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private static void flows(GraphDatabaseService db, String trial, Path inputs) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(inputs.resolve("flows.jsonl"))) {
            for (String line; (line = reader.readLine()) != null; ) rows.add(JSON.readValue(line, List.class));
        }
        String query = Files.readString(inputs.resolve("flows.cypher"));
        Label ip = Label.label("IpAddress");
        // Both endpoints exist before their edges, as the ingest merges nodes first.
        LinkedHashSet<String> addresses = new LinkedHashSet<>();
        for (List<Object> row : rows) {
            addresses.add((String) row.get(0));
            addresses.add((String) row.get(1));
        }
        try (Transaction tx = db.beginTx()) {
            for (String address : addresses) tx.createNode(ip).setProperty("ip", address);
            tx.commit();
        }
        int warm = rows.size() / 5;
        String[] phases = {"warm-up", "new FLOW edges", "FLOW edges that exist (added to)"};
        for (int phase = 0; phase < 3; phase++) {
            List<List<Object>> part = phase == 0 ? rows.subList(0, warm) : phase == 1 ? rows.subList(warm, rows.size()) : rows.subList(warm, rows.size());
            long started = System.nanoTime();
            for (int i = 0; i < part.size(); i += 10_000) {
                List<List<Object>> batch = part.subList(i, Math.min(part.size(), i + 10_000));
                try (Transaction tx = db.beginTx()) {
                    if (trial.endsWith("cypher")) tx.execute(query, Map.of("rows", batch)).close();
                    else mergeFlows(tx, ip, batch);
                    tx.commit();
                }
            }
            if (phase > 0) report(trial, phases[phase], part.size(), System.nanoTime() - started);
        }
        // Both ways must build the same graph, or the comparison means nothing.
        try (Transaction tx = db.beginTx();
             var result = tx.execute("MATCH ()-[r:FLOW]->() RETURN count(r) AS edges, sum(r.count) AS flows, sum(r.bytes) AS bytes, sum(size(r.srcPorts)) AS ports")) {
            System.out.println("{\"trial\":\"" + trial + "\",\"check\":\"" + result.next() + "\"}");
        }
    }

    private static final RelationshipType FLOW = RelationshipType.withName("FLOW");

    /**
     * What the FLOW query does, by hand. Row columns as in the query's `// row:` comment:
     * [from, to, firstSeen, lastSeen, count, edgeKey, hour, dstPort, protocol, action, bytes,
     * packets, via, interfaces, srcPorts]. The list columns are unioned as the query does.
     */
    @SuppressWarnings("unchecked")
    private static void mergeFlows(Transaction tx, Label ip, List<List<Object>> batch) {
        Map<String, Node> endpoints = new HashMap<>();
        for (List<Object> row : batch) {
            String key = (String) row.get(5);
            Relationship r = tx.findRelationship(FLOW, "edgeKey", key);
            if (r == null) {
                Node a = endpoints.computeIfAbsent((String) row.get(0), address -> tx.findNode(ip, "ip", address));
                Node b = endpoints.computeIfAbsent((String) row.get(1), address -> tx.findNode(ip, "ip", address));
                r = a.createRelationshipTo(b, FLOW);
                r.setProperty("edgeKey", key);
                r.setProperty("hour", num(row.get(6)));
                r.setProperty("dstPort", num(row.get(7)));
                r.setProperty("protocol", row.get(8));
                r.setProperty("action", row.get(9));
                r.setProperty("firstSeen", num(row.get(2)));
                r.setProperty("lastSeen", num(row.get(3)));
                r.setProperty("count", num(row.get(4)));
                r.setProperty("bytes", num(row.get(10)));
                r.setProperty("packets", num(row.get(11)));
            } else {
                if (num(row.get(2)) < (Long) r.getProperty("firstSeen")) r.setProperty("firstSeen", num(row.get(2)));
                if (num(row.get(3)) > (Long) r.getProperty("lastSeen")) r.setProperty("lastSeen", num(row.get(3)));
                r.setProperty("count", (Long) r.getProperty("count") + num(row.get(4)));
                r.setProperty("bytes", (Long) r.getProperty("bytes") + num(row.get(10)));
                r.setProperty("packets", (Long) r.getProperty("packets") + num(row.get(11)));
            }
            union(r, "via", (List<Object>) row.get(12), 10);
            union(r, "interfaces", (List<Object>) row.get(13), 20);
            union(r, "srcPorts", (List<Object>) row.get(14), 20);
        }
    }

    private static void union(Relationship r, String name, List<Object> values, int cap) {
        if (values == null || values.isEmpty()) return;
        String[] current = (String[]) r.getProperty(name, new String[0]);
        LinkedHashSet<String> merged = new LinkedHashSet<>(List.of(current));
        for (Object v : values) if (merged.size() < cap) merged.add(String.valueOf(v));
        if (merged.size() != current.length) r.setProperty(name, merged.toArray(new String[0]));
    }

    private static long num(Object value) {
        return ((Number) value).longValue();
    }

    private static void report(String trial, String phase, int rows, long nanos) {
        double micros = nanos / 1000.0 / rows;
        System.out.printf("{\"trial\":\"%s\",\"phase\":\"%s\",\"rows\":%d,\"seconds\":%.2f,\"microsPerRow\":%.1f,\"rowsPerSecond\":%d}%n",
                trial, phase, rows, nanos / 1e9, micros, Math.round(rows / (nanos / 1e9)));
    }
}
