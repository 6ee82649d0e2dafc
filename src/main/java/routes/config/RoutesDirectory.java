package routes.config;

import java.io.IOException;
import java.nio.file.Files;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Makes sure the directory of operator routes exists before Camel starts watching it for live reload.
 * Files dropped there add routes, or replace the built-in route with the same id.
 */
@Component
public class RoutesDirectory {

    private static final Logger log = LoggerFactory.getLogger(RoutesDirectory.class);

    public RoutesDirectory(CaravanProperties caravan) throws IOException {
        Files.createDirectories(caravan.routesDir());
        log.info("Operator routes: *.yaml in {} (reloaded on change)", caravan.routesDir().toAbsolutePath());
    }
}
