package routes.config;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The operator's directory of YAML routes. Once the built-in routes run, its files are loaded on top of them:
 * a route with the id of a built-in one replaces it, any other is added. Camel's route reload watches the
 * directory (camel.main.routes-reload-*); this class takes its change events so that a file's routes follow the
 * file: a changed file's routes are reloaded and those it no longer holds removed, a deleted file's routes are
 * removed, and a removed route that had replaced a built-in one gives way to the built-in one again. (Camel's own
 * reload, keeping the other routes running, only adds and replaces.)
 */
@Component
public class RoutesDirectory implements CamelContextConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RoutesDirectory.class);

    private final Path directory;
    private final String pattern;
    /** The built-in routes as they were before any operator file, by id. */
    private final Map<String, RouteDefinition> builtIn = new HashMap<>();
    /** The ids of the routes each operator file holds. */
    private final Map<Path, Set<String>> routesByFile = new HashMap<>();

    public RoutesDirectory(CaravanProperties caravan, @Value("${camel.main.routes-reload-pattern}") String pattern)
            throws IOException {
        this.directory = caravan.routesDir().toAbsolutePath().normalize();
        this.pattern = pattern;
        OwnerOnly.createDirectories(directory);
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        // nothing to do before the built-in routes exist
    }

    @Override
    public synchronized void afterApplicationStart(CamelContext camelContext) {
        ((ModelCamelContext) camelContext).getRouteDefinitions().forEach(route -> builtIn.put(route.getRouteId(), route));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, pattern)) {
            for (Path file : files) {
                update(camelContext, ResourceHelper.resolveResource(camelContext, "file:" + file));
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot load the operator routes in " + directory
                    + " (fix or remove the file named below): " + e.getMessage(), e);
        }
        RouteWatcherReloadStrategy watcher = camelContext.hasService(RouteWatcherReloadStrategy.class);
        if (watcher != null) {
            watcher.setResourceReload((name, resource) -> changed(camelContext, resource));
        }
    }

    /** A file of the directory was created, changed or deleted. */
    private synchronized void changed(CamelContext camelContext, Resource resource) {
        try {
            update(camelContext, resource);
        } catch (Exception e) {
            log.warn("Operator routes in {} not loaded, the routes it held before keep running: {}",
                    resource.getLocation(), e.getMessage());
        }
    }

    private void update(CamelContext camelContext, Resource resource) throws Exception {
        Path file = Path.of(resource.getURI()).toAbsolutePath().normalize();
        Set<String> before = routesByFile.getOrDefault(file, Set.of());
        Set<String> now = Files.exists(file)
                ? PluginHelper.getRoutesLoader(camelContext).updateRoutes(List.of(resource))
                : Set.of();
        ModelCamelContext model = (ModelCamelContext) camelContext;
        Set<String> removed = new TreeSet<>(before);
        removed.removeAll(now);
        Set<String> restored = new TreeSet<>();
        for (String id : removed) {
            RouteDefinition current = model.getRouteDefinition(id);
            if (current != null) {
                model.removeRouteDefinition(current);
            }
            RouteDefinition original = builtIn.get(id);
            if (original != null) {
                model.addRouteDefinition(original);
                restored.add(id);
            }
        }
        if (now.isEmpty()) {
            routesByFile.remove(file);
        } else {
            routesByFile.put(file, new LinkedHashSet<>(now));
        }
        log.info("Operator routes from {}: loaded {}, removed {}, built-in restored {}", file, now, removed, restored);
    }
}
