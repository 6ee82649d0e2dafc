package routes.agent;

import org.springframework.stereotype.Component;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import routes.config.AgentProperties;
import routes.config.AgentRole;
import routes.message.AgentStatus;

/**
 * Reads this machine's CPU, memory and load with OSHI and makes the agent's heartbeat status of them, including
 * whether they are above the agent's thresholds, whether the agent is draining, which code versions it holds and
 * which it failed to install.
 */
@Component
@AgentRole
public class ResourceProbe {

    private final AgentProperties agent;
    private final AgentDrain drain;
    private final AgentCode code;
    private final InstallRetries installs;
    private final CentralProcessor processor;
    private final GlobalMemory memory;
    private final long startedAt = System.currentTimeMillis();
    private long[] previousTicks;
    private volatile boolean overloaded;

    public ResourceProbe(AgentProperties agent, AgentDrain drain, AgentCode code, InstallRetries installs) {
        this.agent = agent;
        this.drain = drain;
        this.code = code;
        this.installs = installs;
        SystemInfo system = new SystemInfo();
        this.processor = system.getHardware().getProcessor();
        this.memory = system.getHardware().getMemory();
        this.previousTicks = processor.getSystemCpuLoadTicks();
    }

    public synchronized AgentStatus sample() {
        double cpu = processor.getSystemCpuLoadBetweenTicks(previousTicks);
        previousTicks = processor.getSystemCpuLoadTicks();
        int cores = processor.getLogicalProcessorCount();
        double load = Math.max(0, processor.getSystemLoadAverage(1)[0]) / cores;
        double used = 1.0 - (double) memory.getAvailable() / memory.getTotal();
        overloaded = (agent.maxCpu() < 1 && cpu > agent.maxCpu()) || (agent.maxMemory() < 1 && used > agent.maxMemory());
        return new AgentStatus(agent.id(), agent.types(), agent.labels(), agent.slots(),
                round(cpu), round(used), round(load), cores, startedAt, System.currentTimeMillis(), overloaded,
                drain.draining(), code.installed(), installs.current());
    }

    /** Whether the last sample found CPU or memory above the agent's thresholds. */
    public boolean overloaded() {
        return overloaded;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
