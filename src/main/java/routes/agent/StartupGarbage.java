package routes.agent;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Once the agent is up, one full garbage collection. What starting it took (reading its settings and routes, wiring
 * its beans) is garbage by then; collected at once, a heap that may shrink (the launcher ops/caravan-agent lets it)
 * gives that memory back to the machine, instead of holding it resident for the agent's whole life. (Not in the
 * standalone role: there the agent shares its JVM with control.)
 */
@Component
@Profile("agent")
public class StartupGarbage {

    @EventListener(ApplicationReadyEvent.class)
    public void collect() {
        System.gc();
    }
}
