package dev.bulwark.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The main class of the broker child process that {@link KafkaBroker} starts: formats the KRaft
 * storage when told to, then runs {@code kafka.Kafka}, and exits as soon as its standard input reaches end of
 * file. The parent holds the other end of that pipe, so the broker stops when the parent closes it
 * and also when the parent dies in any way (even {@code kill -9}): no broker is ever left behind.
 *
 * <p>It calls Kafka reflectively so that dev-infra does not compile against the broker jars (they
 * are runtime-only there and never reach the modules that use dev-infra). It must stay a single
 * class with no nested classes: {@link KafkaBroker} copies just this class file out of the jar.
 *
 * <p>Arguments: path of the broker properties file; then, to format new storage first, the cluster id and the
 * path of a file whose lines are the {@code --add-scram} values of the users to create (SCRAM users must exist
 * before the broker's first start: the broker itself logs in as one). Without them the broker runs on the
 * storage an earlier start formatted (formatting it again would fail: "already formatted").
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1 && args.length != 3) {
            System.err.println("usage: BrokerMain SERVER_PROPERTIES [CLUSTER_ID SCRAM_USERS_FILE]");
            System.exit(2);
        }
        String propertiesFile = args[0];
        if (args.length == 3) {
            String clusterId = args[1];
            List<String> format = new ArrayList<>(List.of("format", "-t", clusterId, "-c", propertiesFile));
            // Read from a file, not given as arguments: a command line is visible to every local user.
            for (String scramUser : Files.readAllLines(Path.of(args[2]), StandardCharsets.UTF_8)) {
                if (!scramUser.isBlank()) {
                    format.add("--add-scram");
                    format.add(scramUser.trim());
                }
            }
            int formatted = (int) Class.forName("kafka.tools.StorageTool")
                    .getMethod("execute", String[].class, PrintStream.class)
                    .invoke(null, format.toArray(String[]::new), System.out);
            if (formatted != 0) {
                System.err.println("BrokerMain: formatting the storage failed with exit code " + formatted);
                System.exit(formatted);
            }
        } else {
            System.out.println("BrokerMain: starting on the storage formatted by an earlier start");
        }

        Thread parentWatch = new Thread(BrokerMain::exitWhenStdinCloses, "bulwark-parent-watch");
        parentWatch.setDaemon(true);
        parentWatch.start();

        // Blocks until the broker stops; kafka.Kafka's own shutdown hook stops it cleanly on System.exit.
        Class.forName("kafka.Kafka").getMethod("main", String[].class)
                .invoke(null, (Object) new String[] {propertiesFile});
    }

    private static void exitWhenStdinCloses() {
        try {
            InputStream in = System.in;
            byte[] ignored = new byte[256];
            while (in.read(ignored) >= 0) {
                // The parent never writes; anything it sends is ignored.
            }
        } catch (IOException e) {
            // A broken pipe means the same as end of file: the parent is gone.
        }
        System.out.println("BrokerMain: standard input closed (parent stopped or died): shutting down");
        System.exit(0);
    }
}
