package routes.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.apache.commons.logging.Log;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Makes the data directory ({@code caravan.data-dir}) owner-only before anything writes in it: it runs once the
 * configuration is read, before the first bean exists. The directory itself is the barrier (700: no other local
 * user reaches anything inside, whatever mode a store gives its files); on top of that, what is inside is made
 * owner-only too, at start (files of an earlier version) and again once started (the files H2 and the rest
 * created meanwhile with the process umask). Registered in META-INF/spring.factories.
 */
public class DataDirectoryGuard implements EnvironmentPostProcessor {

    private final Log log;

    public DataDirectoryGuard(DeferredLogFactory logs) {
        this.log = logs.getLog(DataDirectoryGuard.class);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Path dataDir = Binder.get(environment).bind("caravan.data-dir", Path.class)
                .orElseThrow(() -> new IllegalStateException("caravan.data-dir is not set"))
                .toAbsolutePath();
        try {
            OwnerOnly.directory(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the data directory " + dataDir + " readable by its owner "
                    + "only (run Caravan as the directory's owner, or set caravan.data-dir): " + e.getMessage(), e);
        }
        tighten(dataDir);
        application.addListeners(event -> {
            if (event instanceof ApplicationReadyEvent) {
                tighten(dataDir);
            }
        });
    }

    private void tighten(Path dataDir) {
        try {
            OwnerOnly.Tightened done = OwnerOnly.tighten(dataDir);
            if (done.changed() > 0) {
                log.info("Made " + done.changed() + " files and directories in " + dataDir + " owner-only");
            }
            if (done.refused() > 0) {
                log.warn(done.refused() + " files or directories in " + dataDir + " belong to another user and stay "
                        + "readable by others: give them to the user that runs Caravan");
            }
        } catch (IOException e) {
            log.warn("Could not make everything in " + dataDir + " owner-only: " + e.getMessage());
        }
    }
}
