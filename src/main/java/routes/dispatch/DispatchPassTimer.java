package routes.dispatch;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;

/**
 * dispatch-pass's route policy: times each pass, from reading the fleet to the last placement, as
 * {@code caravan.dispatch.pass}. A histogram with fine buckets (100 µs to 10 s), because a pass takes milliseconds and
 * how its time grows with the fleet and the backlog is what ops/bench/fleet_bench.py reads from it.
 */
@Component
@ControlRole
public class DispatchPassTimer extends RoutePolicySupport {

    private static final String STARTED = "caravan.dispatchPassStarted";

    private final MeterRegistry meters;
    private final Timer passes;

    public DispatchPassTimer(MeterRegistry meters) {
        this.meters = meters;
        this.passes = Timer.builder("caravan.dispatch.pass")
                .description("one dispatch pass: what it looked at and handed out")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(meters);
    }

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
        exchange.setProperty(STARTED, Timer.start(meters));
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        if (exchange.removeProperty(STARTED) instanceof Timer.Sample started) {
            started.stop(passes);
        }
    }
}
