package routes;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Caravan: one jar, three roles (standalone, control, agent), chosen by {@code caravan.role}. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CaravanApplication {

    private static final String MYSQL_ABANDONED_CLEANUP_OFF = "com.mysql.cj.disableAbandonedConnectionCleanup";

    public static void main(String[] args) {
        // the connection pool closes every connection it opens: the MySQL driver's thread that looks for connections
        // nobody closed, every few seconds for the node's whole life, has nothing to find
        if (System.getProperty(MYSQL_ABANDONED_CLEANUP_OFF) == null) {
            System.setProperty(MYSQL_ABANDONED_CLEANUP_OFF, "true");
        }
        SpringApplication.run(CaravanApplication.class, args);
    }
}
