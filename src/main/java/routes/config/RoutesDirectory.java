package routes.config;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.RoutesLoader;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The operator's directory of YAML routes. Once the built-in routes run, its files are loaded on top of them:
 * a route with the id of a built-in one replaces it, any other is added. Camel's route reload then watches
 * the directory for changes (camel.main.routes-reload-*).
 */
@Component
public class RoutesDirectory implements CamelContextConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RoutesDirectory.class);

    private final Path directory;
    private final String pattern;

    public RoutesDirectory(CaravanProperties caravan, @Value("${camel.main.routes-reload-pattern}") String pattern)
            throws IOException {
        this.directory = caravan.routesDir().toAbsolutePath();
        this.pattern = pattern;
        Files.createDirectories(directory);
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        // nothing to do before the built-in routes exist
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        List<Resource> resources = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, pattern)) {
            for (Path file : files) {
                resources.add(ResourceHelper.resolveResource(camelContext, "file:" + file));
            }
            if (!resources.isEmpty()) {
                RoutesLoader loader = PluginHelper.getRoutesLoader(camelContext);
                log.info("Operator routes from {}: {}", directory, loader.updateRoutes(resources));
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot load the operator routes in " + directory
                    + " (fix or remove the file named below): " + e.getMessage(), e);
        }
    }
}
