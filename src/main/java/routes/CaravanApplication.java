package routes;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Caravan: one jar, three roles (standalone, control, agent), chosen by {@code caravan.role}. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CaravanApplication {

    private static final String MYSQL_ABANDONED_CLEANUP_OFF = "com.mysql.cj.disableAbandonedConnectionCleanup";
    private static final String LAUNCH_MECHANISM = "jdk.lang.Process.launchMechanism";

    public static void main(String[] args) {
        // the connection pool closes every connection it opens: the MySQL driver's thread that looks for connections
        // nobody closed, every few seconds for the node's whole life, has nothing to find
        setUnlessGiven(MYSQL_ABANDONED_CLEANUP_OFF, "true");
        // an agent starts a process per task: vfork starts it directly, where Java 17's default (posix_spawn)
        // starts a helper program first, which then starts the command; that costs each task a second exec, about
        // twice the CPU and half the spawn rate (ops/bench/SpawnRate.java). -Djdk.lang.Process.launchMechanism=...
        // chooses another.
        setUnlessGiven(LAUNCH_MECHANISM, "VFORK");
        SpringApplication.run(CaravanApplication.class, args);
    }

    private static void setUnlessGiven(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
