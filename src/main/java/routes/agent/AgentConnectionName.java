package routes.agent;

import org.springframework.boot.autoconfigure.data.redis.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import routes.config.AgentProperties;
import routes.config.AgentRole;
import routes.redis.RedisKeys;

/**
 * Every Redis connection of an agent carries the agent's name, so control sees within a heartbeat or two that an
 * agent's process is gone (its connections closed with it) instead of waiting out the agent timeout.
 */
@Configuration(proxyBeanMethods = false)
@AgentRole
public class AgentConnectionName {

    @Bean
    public LettuceClientConfigurationBuilderCustomizer namedAgentConnections(AgentProperties agent, RedisKeys keys) {
        return builder -> builder.clientName(keys.agentConnectionName(agent.id()));
    }
}
