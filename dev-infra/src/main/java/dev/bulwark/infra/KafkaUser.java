package dev.bulwark.infra;

/**
 * The SASL/SCRAM users of the Kafka broker dev-infra starts, one per role: the only place their names are
 * spelled. What each one may do is in {@link KafkaAcls}; their passwords in {@link KafkaCredentials}.
 */
public enum KafkaUser {
    /** The broker itself (its own connections) and dev-infra's topic and ACL set-up: a super user. */
    ADMIN("admin"),
    /** The cloud service: the only user that may write the topics agents read. */
    CLOUD("bulwark-cloud"),
    /** Every agent host, real or simulated: reads what the cloud sends, writes results and reports. */
    AGENT("bulwark-agent"),
    /** Test harnesses and load-test measurements: reads every Bulwark topic, writes none. */
    OBSERVER("bulwark-observer");

    private final String userName;

    KafkaUser(String userName) {
        this.userName = userName;
    }

    /** The SCRAM user name, e.g. {@code bulwark-cloud}. */
    public String userName() {
        return userName;
    }

    /** The principal as ACLs and {@code super.users} name it, e.g. {@code User:bulwark-cloud}. */
    public String principal() {
        return "User:" + userName;
    }
}
