package dev.trailhound.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Runs an embedded Neo4j 5.26 community database with only the Bolt connector open.
 *
 * Configuration comes from system properties so the Node launcher (db/launcher) owns the
 * defaults in one place:
 *   trailhound.home       data directory (required)
 *   trailhound.host       Bolt listen host (default 127.0.0.1: never exposed by default)
 *   trailhound.port       Bolt listen port (default 7687)
 *   trailhound.pagecache  page cache size, e.g. "2g"
 *   trailhound.txmax      cap on memory of all open transactions, e.g. "4g"
 *   neo4j.<setting>       any other Neo4j setting, passed through as is (unknown names fail fast,
 *                         as Neo4j validates settings strictly)
 *
 * The HTTP connector stays off: embedded users report servlet class conflicts with it, and
 * nothing in Trailhound needs it.
 */
public final class LocalNeo4j {
    public static void main(String[] args) throws InterruptedException, IOException {
        String home = required("trailhound.home");
        String host = System.getProperty("trailhound.host", "127.0.0.1");
        int port = Integer.parseInt(System.getProperty("trailhound.port", "7687"));
        long pageCache = bytes(System.getProperty("trailhound.pagecache", "2g"));
        long txMax = bytes(System.getProperty("trailhound.txmax", "4g"));

        // Pass-through settings go in a properties file: the embedded builder takes raw settings
        // only that way. It is rewritten on every start, so it always shows what is in effect.
        List<String> lines = new ArrayList<>();
        lines.add("# Written by Trailhound at each start from -Dneo4j.* options; edit TRAILHOUND_NEO4J_SETTINGS instead.");
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("neo4j.")) lines.add(name.substring("neo4j.".length()) + "=" + System.getProperty(name));
        }
        Path settings = Path.of(home, "trailhound-neo4j.conf");
        Files.createDirectories(settings.getParent());
        Files.write(settings, lines);

        DatabaseManagementService service = new DatabaseManagementServiceBuilder(Path.of(home))
                .loadPropertiesFromFile(settings)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, txMax)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ZERO)
                .build();

        // SIGTERM (db stop) must leave the store clean: shut down from a hook, then let main end.
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("trailhound-neo4j: shutting down");
            service.shutdown();
            stopped.countDown();
        }, "trailhound-neo4j-shutdown"));

        System.out.println("trailhound-neo4j: bolt listening on " + host + ":" + port + ", data in " + home);
        stopped.await();
    }

    private static String required(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            System.err.println("trailhound-neo4j: missing -D" + name);
            System.exit(2);
        }
        return value;
    }

    /** Parses sizes such as "512m", "2g" or a plain byte count. */
    private static long bytes(String text) {
        String t = text.trim().toLowerCase();
        char unit = t.charAt(t.length() - 1);
        if (Character.isDigit(unit)) return Long.parseLong(t);
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (unit) {
            case 'k' -> ByteUnit.kibiBytes(n);
            case 'm' -> ByteUnit.mebiBytes(n);
            case 'g' -> ByteUnit.gibiBytes(n);
            default -> throw new IllegalArgumentException("bad size: " + text);
        };
    }
}
