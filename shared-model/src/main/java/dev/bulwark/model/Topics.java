package dev.bulwark.model;

/**
 * The Kafka topics between cloud and agents: the only place their names are spelled.
 * Every record's key is the machine's resource id in lower case, so one machine's messages stay
 * in order on one partition. See docs/messages.md.
 */
public final class Topics {
    /** Cloud to agents: {@link ExtensionOperation}. */
    public static final String EXTENSION_OPERATIONS = "bulwark.extension-operations";
    /** Agents to cloud: {@link OperationResult}. */
    public static final String EXTENSION_RESULTS = "bulwark.extension-results";
    /** Agents to cloud: {@link AgentReport}. */
    public static final String AGENT_REPORTS = "bulwark.agent-reports";
    /** Cloud to agent: {@link GuestAssignment}, an audit rule set to evaluate (never to enforce). */
    public static final String GUEST_ASSIGNMENTS = "bulwark.guest-assignments";
    /** Agent to cloud: {@link GuestComplianceReport}. */
    public static final String GUEST_COMPLIANCE = "bulwark.guest-compliance";

    public static final String[] ALL = {EXTENSION_OPERATIONS, EXTENSION_RESULTS, AGENT_REPORTS, GUEST_ASSIGNMENTS,
            GUEST_COMPLIANCE};
    /** Written only by the cloud, read by agents: Kafka ACLs let no other principal write them. */
    public static final String[] FROM_CLOUD = {EXTENSION_OPERATIONS, GUEST_ASSIGNMENTS};
    /** Written by agents, read by the cloud. */
    public static final String[] FROM_AGENTS = {EXTENSION_RESULTS, AGENT_REPORTS, GUEST_COMPLIANCE};

    private static final String DEAD_LETTER_SUFFIX = ".dlq";

    private Topics() {
    }

    /** The dead-letter topic of {@code topic}: records that could not be parsed or verified. */
    public static String deadLetter(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }

    /** True for a dead-letter topic. */
    public static boolean isDeadLetter(String topic) {
        return topic.endsWith(DEAD_LETTER_SUFFIX);
    }
}
