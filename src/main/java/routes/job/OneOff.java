package routes.job;

import java.time.Instant;

/** Fires once, at {@code at}. */
record OneOff(Instant at) implements FireTimes {

    @Override
    public Instant after(Instant time) {
        return at.isAfter(time) ? at : null;
    }

    @Override
    public Instant atOrBefore(Instant time) {
        return at.isAfter(time) ? null : at;
    }

    @Override
    public String description() {
        return "once, at " + at;
    }
}
