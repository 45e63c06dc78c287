package dev.bulwark.sim.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What one module's code says about its configuration, read from its sources (so a manifest is checked against the
 * code as it is, not against a copy of it): the properties of {@code application.properties}, the names of its
 * {@code @ConfigMapping} interfaces with their {@code @WithDefault} values, the dotted names it spells in code or
 * mentions in {@code application.properties}, the environment variables it reads by name ({@code ${env:NAME}},
 * {@code getenv("NAME")}), and whether it serves {@code /q/health}.
 */
final class ModuleFacts {
    private static final Pattern DOTTED_NAME = Pattern.compile("\\b((?:bulwark|quarkus|kafka|mp)\\.[a-z0-9][a-z0-9.\\-]*[a-z0-9])\\b");
    private static final Pattern STRING_PROPERTY = Pattern.compile("\"((?:bulwark|quarkus|kafka|mp)\\.[a-z0-9.\\-]+)\"");
    private static final Pattern ENV_READ = Pattern.compile("\\$\\{env:([A-Z][A-Z0-9_]*)}|getenv\\(\"([A-Z][A-Z0-9_]*)\"\\)|\\bENV\\s*=\\s*\"([A-Z][A-Z0-9_]*)\"");
    private static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\(prefix\\s*=\\s*\"([^\"]+)\"\\)");
    private static final Pattern NESTED = Pattern.compile("interface\\s+(\\w+)\\s*\\{([^{}]*)}");
    private static final Pattern METHOD = Pattern.compile(
            "((?:@\\w+(?:\\([^)]*\\))?\\s*)*)([\\w.]+(?:<[\\w<>, ?.]*>)?)\\s+(\\w+)\\(\\)\\s*;");
    private static final Pattern KAFKA_RULE = Pattern.compile("key\\.(?:equals|startsWith)\\(\"([a-z.]+)\"\\)");
    private static final Pattern WITH_DEFAULT = Pattern.compile("@WithDefault\\(\"([^\"]*)\"\\)");

    final String module;
    /** application.properties without profile-specific lines ({@code %test.}...). */
    final Map<String, String> properties = new LinkedHashMap<>();
    /** {@code @WithDefault} of each mapped property. */
    final Map<String, String> defaults = new HashMap<>();
    /** Every property name the module reads or documents; a name ending in {@code .*} is a map. */
    final Set<String> propertyNames = new HashSet<>();
    /** Environment variables the module reads by their own name. */
    final Set<String> environmentReads = new HashSet<>();
    final boolean servesHealth;
    /**
     * The {@code kafka.*} settings (without {@code kafka.}) that reach the module's clients, exact names and prefixes
     * ending in a dot, from its {@code KafkaSecuritySettings.clientKey}; empty when it has none, in which case SmallRye
     * Kafka hands every {@code kafka.*} to the clients.
     */
    final Set<String> kafkaPassThrough = new HashSet<>();

    private ModuleFacts(String module, boolean servesHealth) {
        this.module = module;
        this.servesHealth = servesHealth;
    }

    static ModuleFacts read(Path root, String module) {
        Path dir = root.resolve(module);
        try {
            ModuleFacts facts = new ModuleFacts(module, Files.readString(dir.resolve("pom.xml")).contains("<artifactId>quarkus-smallrye-health</artifactId>"));
            String text = Files.readString(dir.resolve("src/main/resources/application.properties"));
            Properties all = new Properties();
            all.load(new StringReader(text));
            for (String name : all.stringPropertyNames()) {
                if (!name.startsWith("%")) {
                    facts.properties.put(name, all.getProperty(name).trim());
                    facts.propertyNames.add(name);
                }
            }
            addAll(DOTTED_NAME.matcher(text), facts.propertyNames);
            try (Stream<Path> files = Files.walk(dir.resolve("src/main/java"))) {
                for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                    String source = Files.readString(file);
                    addAll(STRING_PROPERTY.matcher(source), facts.propertyNames);
                    Matcher env = ENV_READ.matcher(source);
                    while (env.find()) {
                        for (int group = 1; group <= env.groupCount(); group++) {
                            if (env.group(group) != null) {
                                facts.environmentReads.add(env.group(group));
                            }
                        }
                    }
                    if (file.getFileName().toString().equals("KafkaSecuritySettings.java")) {
                        Matcher rule = KAFKA_RULE.matcher(source.substring(source.indexOf("static String clientKey(")));
                        while (rule.find()) {
                            facts.kafkaPassThrough.add(rule.group(1));
                        }
                    }
                    Matcher mapping = MAPPING.matcher(source);
                    if (mapping.find()) {
                        facts.readMapping(mapping.group(1), source.substring(mapping.end()));
                    }
                }
            }
            return facts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of a {@code @ConfigMapping} interface: {@code prefix.kebab-name}, nested interfaces one level deep. */
    private void readMapping(String prefix, String body) {
        String code = body.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)^\\s*//.*$", "");
        Matcher declaration = Pattern.compile("interface\\s+\\w+[^{]*\\{").matcher(code);
        if (!declaration.find()) {
            throw new IllegalStateException("no interface after @ConfigMapping(prefix = \"" + prefix + "\")");
        }
        code = code.substring(declaration.end());
        Map<String, String> nested = new HashMap<>();
        Matcher interfaces = NESTED.matcher(code);
        while (interfaces.find()) {
            nested.put(interfaces.group(1), interfaces.group(2));
        }
        String top = NESTED.matcher(code).replaceAll("");
        Matcher methods = METHOD.matcher(top);
        while (methods.find()) {
            String name = prefix + "." + kebab(methods.group(3));
            String type = methods.group(2);
            if (nested.containsKey(type)) {
                Matcher inner = METHOD.matcher(nested.get(type));
                while (inner.find()) {
                    add(name + "." + kebab(inner.group(3)), inner.group(1));
                }
            } else {
                add(type.startsWith("Map<") ? name + ".*" : name, methods.group(1));
            }
        }
    }

    private void add(String name, String annotations) {
        propertyNames.add(name);
        Matcher defaultValue = WITH_DEFAULT.matcher(annotations);
        if (defaultValue.find()) {
            defaults.put(name, defaultValue.group(1));
        }
    }

    /**
     * The value in force: the environment variable of the name (MicroProfile's rule), else application.properties,
     * else the mapping's default; null when none.
     */
    String value(String name, Map<String, String> environment) {
        for (String variable : environmentNames(name)) {
            if (environment.containsKey(variable)) {
                return environment.get(variable);
            }
        }
        return properties.containsKey(name) ? properties.get(name) : defaults.get(name);
    }

    /** Whether {@code kafka.<setting>} reaches the module's Kafka clients. */
    boolean passesKafkaSetting(String setting) {
        return kafkaPassThrough.isEmpty() || kafkaPassThrough.stream()
                .anyMatch(rule -> rule.endsWith(".") ? setting.startsWith(rule) : setting.equals(rule));
    }

    Integer port(String name, Map<String, String> environment) {
        String value = value(name, environment);
        return value == null ? null : Integer.valueOf(value.trim());
    }

    /** Whether {@code variable} is the environment form of a property this module reads or documents. */
    boolean isPropertyVariable(String variable) {
        for (String name : propertyNames) {
            if (name.endsWith(".*")) {
                String prefix = environmentNames(name.substring(0, name.length() - 2)).iterator().next() + "_";
                if (variable.startsWith(prefix) && variable.length() > prefix.length()) {
                    return true;
                }
            } else if (environmentNames(name).contains(variable)) {
                return true;
            }
        }
        return false;
    }

    /**
     * MicroProfile Config's environment names of a property: every character other than a letter or digit becomes
     * {@code _}, upper case. A numeric segment may also be quoted ({@code pem."0".cert}), which is the spelling Quarkus
     * documents for indexed names: {@code PEM__0__CERT}.
     */
    static Set<String> environmentNames(String property) {
        Set<String> names = new java.util.LinkedHashSet<>();
        names.add(environmentName(property));
        names.add(environmentName(property.replaceAll("(?<=\\.)(\\d+)(?=\\.|$)", "\"$1\"")));
        return names;
    }

    private static String environmentName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static void addAll(Matcher matcher, Set<String> into) {
        while (matcher.find()) {
            into.add(matcher.group(1));
        }
    }
}
