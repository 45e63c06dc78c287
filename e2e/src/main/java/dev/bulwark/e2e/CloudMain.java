package dev.bulwark.e2e;

import java.nio.file.Path;

/**
 * {@code ./bulwark cloud}: the cloud service with its Kafka and PostgreSQL (local ones unless
 * {@code KAFKA_BOOTSTRAP_SERVERS} / {@code BULWARK_DB_URL} name existing ones), until Ctrl-C.
 */
public final class CloudMain {
    private CloudMain() {
    }

    public static void main(String[] args) throws Exception {
        Path root = BulwarkSystem.checkout();
        BulwarkSystem system = BulwarkSystem.start(root, root.resolve(".bulwark/cloud"));
        Runtime.getRuntime().addShutdownHook(new Thread(system::close, "bulwark-cloud-stop"));
        System.out.println("Cloud service:   " + system.cloud().baseUrl() + "  (OpenAPI at /q/openapi, health at /q/health)");
        System.out.println("CA certificate:  " + system.caCertificate() + "  (https only: curl --cacert "
                + system.caCertificate() + " " + system.cloud().baseUrl() + "/q/health)");
        System.out.println("Kafka:           " + system.infra().bootstrapServers()
                + (system.infra().kafkaClientConfigs() == null ? ""
                : "  (client settings per user: " + system.infra().kafkaClientConfigs() + "/<user>.properties)"));
        System.out.println("PostgreSQL:      " + system.infra().jdbcUrl());
        System.out.println("Log:             " + system.cloud().log());
        System.out.println("Connect a machine: ./bulwark agent connect --cloud " + system.cloud().baseUrl()
                + " --ca " + system.caCertificate() + " --subscription SUB --resource-group RG --machine NAME");
        System.out.println("Press Ctrl-C to stop.");
        Thread.currentThread().join();
    }
}
