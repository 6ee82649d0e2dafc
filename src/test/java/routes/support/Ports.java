package routes.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for servers a test starts on a port it names (a node process, the embedded Redis). Each test JVM (surefire
 * fork {@code caravan.test.fork}, from 1) takes them from a band of its own below the kernel's ephemeral range: a
 * port chosen there is not also chosen by another fork, nor taken by an outgoing connection, before the server
 * binds it. Each JVM starts at a random place in its band, so that two test runs on one machine seldom pick the
 * same port at the same moment.
 */
public final class Ports {

    private static final int FIRST = 20_000;
    private static final int BAND = 1_000;
    private static final int FORK = Integer.getInteger("caravan.test.fork", 1);
    private static final AtomicInteger next = new AtomicInteger(ThreadLocalRandom.current().nextInt(BAND));

    private Ports() {
    }

    /** A port of this JVM's band that nothing listens on now. */
    public static int free() {
        int start = FIRST + ((FORK - 1) % 10) * BAND;
        for (int tries = 0; tries < BAND; tries++) {
            int port = start + Math.floorMod(next.getAndIncrement(), BAND);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // in use (a server of an earlier test, or another program): the next one
            }
        }
        throw new IllegalStateException("no free port in " + start + "-" + (start + BAND - 1));
    }
}
