package routes.alert;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import routes.config.AlertChannelProperties;
import routes.config.ChannelSpec;
import routes.config.ControlRole;
import routes.config.JsonCodec;
import routes.domain.Conflict;
import routes.domain.NotFound;

/**
 * Alert channels: those of the configuration (caravan.alerts.channels), which the API shows but cannot change, and
 * those made through the API, in SQL (alert_channels). One name, one channel, across both.
 */
@Component
@ControlRole
public class AlertChannelStore {

    private static final String COLUMNS = "name, kind, url, secret, to_addresses, created_at, updated_at";
    private static final String CONFIGURATION = "configuration";

    private final JdbcClient sql;
    private final JsonCodec json;
    private final Map<String, ChannelSpec> configured;
    private final Clock clock = Clock.systemUTC();

    public AlertChannelStore(JdbcClient sql, JsonCodec json, AlertChannelProperties properties) {
        this.sql = sql;
        this.json = json;
        this.configured = properties.channels().stream()
                .collect(Collectors.toMap(ChannelSpec::name, Function.identity(), (a, b) -> a, LinkedHashMap::new));
    }

    private record Stored(ChannelSpec spec, long createdAt, long updatedAt) {
    }

    /**
     * The channel a delivery goes to, as it is defined now; there being none by that name fails the delivery at
     * once, saying so.
     */
    public ChannelSpec deliverable(String name) {
        ChannelSpec fromConfiguration = configured.get(name);
        return Optional.ofNullable(fromConfiguration).or(() -> stored(name).map(Stored::spec))
                .orElseThrow(() -> new DeliveryFailed("there is no alert channel named \"" + name
                        + "\" (neither in caravan.alerts.channels nor made through /api/alert-channels)", true));
    }

    @Transactional
    public AlertChannelView create(ChannelSpec spec) {
        refuseConfigured(spec.name(), "a channel of that name is defined in the configuration (caravan.alerts.channels);"
                + " choose another name");
        long now = clock.millis();
        try {
            sql.sql("INSERT INTO alert_channels (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)")
                    .params(spec.name(), spec.kind(), spec.url(), spec.secret(), addresses(spec), now, now)
                    .update();
        } catch (DuplicateKeyException taken) {
            throw new Conflict("name: a channel named \"" + spec.name() + "\" exists already");
        }
        return get(spec.name());
    }

    /** Replaces a channel's definition (not its name: rules name channels by it). */
    @Transactional
    public AlertChannelView replace(String name, ChannelSpec spec) {
        refuseConfigured(name, "it is defined in the configuration (caravan.alerts.channels); change it there");
        int changed = sql.sql("UPDATE alert_channels SET kind = ?, url = ?, secret = ?, to_addresses = ?, updated_at = ?"
                        + " WHERE name = ?")
                .params(spec.kind(), spec.url(), spec.secret(), addresses(spec), clock.millis(), name)
                .update();
        if (changed == 0) {
            throw notFound(name);
        }
        return get(name);
    }

    /**
     * The secret a stored webhook channel has (null when none): a replacement sent without one keeps it, so that an
     * admin can change the url without knowing the secret.
     */
    public String storedSecret(String name) {
        return configured.containsKey(name) ? null : stored(name).map(s -> s.spec().secret()).orElse(null);
    }

    @Transactional
    public void delete(String name) {
        refuseConfigured(name, "it is defined in the configuration (caravan.alerts.channels); remove it there");
        if (sql.sql("DELETE FROM alert_channels WHERE name = ?").param(name).update() == 0) {
            throw notFound(name);
        }
    }

    public AlertChannelView get(String name) {
        ChannelSpec fromConfiguration = configured.get(name);
        if (fromConfiguration != null) {
            return view(fromConfiguration, CONFIGURATION, null, null);
        }
        return stored(name).map(s -> view(s.spec(), "api", Instant.ofEpochMilli(s.createdAt()),
                Instant.ofEpochMilli(s.updatedAt()))).orElseThrow(() -> notFound(name));
    }

    /** Every channel, by name. */
    public Map<String, Object> list() {
        List<AlertChannelView> views = new ArrayList<>();
        configured.values().forEach(spec -> views.add(view(spec, CONFIGURATION, null, null)));
        sql.sql("SELECT " + COLUMNS + " FROM alert_channels").query(this::row).list().forEach(s -> views.add(
                view(s.spec(), "api", Instant.ofEpochMilli(s.createdAt()), Instant.ofEpochMilli(s.updatedAt()))));
        views.sort(Comparator.comparing(AlertChannelView::name));
        return Map.of("channels", views);
    }

    private Optional<Stored> stored(String name) {
        return sql.sql("SELECT " + COLUMNS + " FROM alert_channels WHERE name = ?").param(name).query(this::row).optional();
    }

    private void refuseConfigured(String name, String why) {
        if (configured.containsKey(name)) {
            throw new Conflict("channel \"" + name + "\" cannot be changed through the API: " + why);
        }
    }

    private String addresses(ChannelSpec spec) {
        return spec.webhook() ? null : json.write(spec.to());
    }

    private Stored row(ResultSet rs, int n) throws SQLException {
        String to = rs.getString("to_addresses");
        ChannelSpec spec = new ChannelSpec(rs.getString("name"), rs.getString("kind"), rs.getString("url"),
                rs.getString("secret"), to == null ? null : List.of(json.read(to, String[].class)));
        return new Stored(spec, rs.getLong("created_at"), rs.getLong("updated_at"));
    }

    private static AlertChannelView view(ChannelSpec spec, String definedIn, Instant createdAt, Instant updatedAt) {
        return new AlertChannelView(spec.name(), spec.kind(), spec.url(), spec.to(), spec.secret() != null, definedIn,
                createdAt, updatedAt);
    }

    private static NotFound notFound(String name) {
        return new NotFound("no alert channel named \"" + name + "\"");
    }
}
