package routes.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** This machine's host name, usable as an id ([A-Za-z0-9._-]): the default name of agents and control nodes. */
final class HostName {

    private HostName() {
    }

    static String get() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
