package routes.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;

/**
 * The agent role starts only the Spring Boot and Camel auto-configurations it needs: its settings, Redis, Jackson,
 * Camel with the components its routes use, and health (served by {@code AgentHealthServer}). The rest of what the
 * jar carries for control, a servlet container, Spring MVC and Security, JDBC, Flyway, Quartz, mail, metrics, JMX,
 * hawtio, REST and OpenAPI, is not even evaluated: an agent runs on every server people own, and each of these costs
 * memory and threads there. Other roles are not filtered. Only the auto-configurations themselves are judged: Spring
 * asks this filter about the classes they import too, and those go with the one that imports them. It runs before
 * Spring Boot's own filters, so that they do not load the classes of conditions that no longer matter. (Registered in
 * META-INF/spring.factories.)
 */
public class AgentAutoConfigurations implements AutoConfigurationImportFilter, EnvironmentAware, BeanClassLoaderAware,
        Ordered {

    /** Names, or name prefixes ending with a dot, of what the agent keeps. */
    private static final List<String> KEPT = List.of(
            "org.springframework.boot.autoconfigure.context.",
            "org.springframework.boot.autoconfigure.availability.",
            "org.springframework.boot.autoconfigure.jackson.",
            "org.springframework.boot.autoconfigure.ssl.",
            "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.health.",
            "org.springframework.boot.actuate.autoconfigure.availability.",
            "org.springframework.boot.actuate.autoconfigure.data.redis.RedisHealthContributorAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.system.DiskSpaceHealthContributorAutoConfiguration",
            "org.apache.camel.spring.boot.CamelAutoConfiguration",
            "org.apache.camel.component.bean.",
            "org.apache.camel.component.direct.",
            "org.apache.camel.component.exec.",
            "org.apache.camel.component.redis.",
            "org.apache.camel.component.seda.",
            "org.apache.camel.component.timer.",
            "org.apache.camel.language.");

    private boolean agent;
    private Set<String> candidates = Set.of();

    @Override
    public void setEnvironment(Environment environment) {
        agent = environment.acceptsProfiles(Profiles.of("agent"));
    }

    @Override
    public void setBeanClassLoader(ClassLoader classLoader) {
        Set<String> all = new HashSet<>();
        ImportCandidates.load(AutoConfiguration.class, classLoader).forEach(all::add);
        candidates = all;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public boolean[] match(String[] autoConfigurationClasses, AutoConfigurationMetadata metadata) {
        boolean[] match = new boolean[autoConfigurationClasses.length];
        for (int i = 0; i < match.length; i++) {
            String name = autoConfigurationClasses[i];
            match[i] = !agent || name == null || !candidates.contains(name) || KEPT.stream().anyMatch(kept ->
                    kept.endsWith(".") ? name.startsWith(kept) : name.equals(kept));
        }
        return match;
    }
}
