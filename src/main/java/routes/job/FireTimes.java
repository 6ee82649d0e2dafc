package routes.job;

import java.time.Instant;

/** The fire times of a schedule. Implementations are immutable and safe to share between threads. */
public interface FireTimes {

    /** The first fire strictly after {@code time}, or null when there is none. */
    Instant after(Instant time);

    /** The last fire at or before {@code time}, or null when there is none. */
    Instant atOrBefore(Instant time);

    /** The schedule in words, for people. */
    String description();
}
