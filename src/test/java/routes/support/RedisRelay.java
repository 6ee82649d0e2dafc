package routes.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on a loopback port to the test's Redis, which the test can make stop answering: while it {@link #hold}s,
 * it takes what nodes send and passes nothing on, as a Redis that hangs would; on {@link #release} it passes on what
 * it held, in order, so every command is answered at last and connections stay in step.
 */
public final class RedisRelay implements AutoCloseable {

    private final ServerSocket server;
    private final String host;
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private boolean holding;

    public RedisRelay(String host, int port) throws IOException {
        this.host = host;
        this.port = port;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        start("redis-relay", this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** From now on nothing reaches Redis, and no answer comes back. */
    public void hold() {
        synchronized (gate) {
            holding = true;
        }
    }

    /** Passes on what was held, and all that follows. */
    public void release() {
        synchronized (gate) {
            holding = false;
            gate.notifyAll();
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket redis = new Socket(host, port);
                sockets.add(client);
                sockets.add(redis);
                start("redis-relay-out", () -> pump(client, redis));
                start("redis-relay-in", () -> pump(redis, client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                synchronized (gate) {
                    while (holding) {
                        gate.wait();
                    }
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException gone) {
            // one side closed: the other follows
        } finally {
            close(from);
            close(to);
        }
    }

    private static void start(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        release();
        server.close();
        sockets.forEach(RedisRelay::close);
    }
}
