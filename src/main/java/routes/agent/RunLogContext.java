package routes.agent;

import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;
import org.springframework.stereotype.Component;
import routes.config.AgentProperties;
import routes.config.AgentRole;
import routes.logs.LogContext;
import routes.message.InboxEntry;

/**
 * agent-run's route policy: each exchange runs one claimed entry ("taskId:attempt"), and every line logged while it
 * runs (started, ended, timed out, delivered again, ...) carries that task, attempt and this agent
 * ({@link LogContext}). The context is set as the exchange begins, on the thread that runs it, and put back as it
 * ends, so the next entry that thread runs starts from nothing.
 */
@Component
@AgentRole
public class RunLogContext extends RoutePolicySupport {

    private static final String CONTEXT = "caravan.logContext";

    private final AgentProperties agent;

    public RunLogContext(AgentProperties agent) {
        this.agent = agent;
    }

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
        String entry = exchange.getIn().getBody(String.class);
        InboxEntry run;
        try {
            run = InboxEntry.parse(entry == null ? "" : entry);
        } catch (IllegalArgumentException unreadable) {
            run = new InboxEntry(entry, 0);
        }
        exchange.setProperty(CONTEXT, LogContext.task(run.taskId(), run.attempt() > 0 ? run.attempt() : null,
                agent.id()));
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        if (exchange.removeProperty(CONTEXT) instanceof LogContext context) {
            context.close();
        }
    }
}
