package routes.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import routes.config.CallbackProperties;

/** Which urls a callback may name (at submit) and reach (at send time), and which addresses count as internal. */
class CallbackTargetsTest {

    private static final String SECRET = "0123456789abcdef";

    @Test
    void callbacksAreOffWithoutASecretOrWithoutAnAllowList() {
        assertThat(targets("", "https://hooks.example.com").refusal("https://hooks.example.com/x"))
                .isEqualTo("is not taken: callbacks are off here (caravan.callbacks.secret is not set)");
        assertThat(targets(SECRET).refusal("https://hooks.example.com/x"))
                .isEqualTo("is not taken: callbacks are off here (caravan.callbacks.allowed-urls is empty)");
    }

    @Test
    void anEntryAllowsItsSchemeHostPortAndPathsBelowItsPath() {
        CallbackTargets targets = targets(SECRET, "https://hooks.example.com/caravan", "https://*.ops.example.com",
                "http://10.0.0.5:8080/");
        for (String allowed : List.of("https://hooks.example.com/caravan", "https://hooks.example.com/caravan/a?x=1",
                "https://HOOKS.example.com:443/caravan/b", "https://a.ops.example.com/any", "https://b.c.ops.example.com",
                "http://10.0.0.5:8080/x")) {
            assertThat(targets.refusal(allowed)).as(allowed).isNull();
        }
        for (String refused : List.of("http://hooks.example.com/caravan", "https://hooks.example.com:8443/caravan",
                "https://hooks.example.com/caravanserai", "https://hooks.example.com/other",
                "https://hooks.example.com/caravan/../admin", "https://ops.example.com/", "https://evil.com/a.ops.example.com",
                "https://hooks.example.com.evil.com/caravan", "http://10.0.0.5/x")) {
            assertThat(targets.refusal(refused)).as(refused).endsWith("is not in caravan.callbacks.allowed-urls");
        }
        assertThat(targets.refusal("https://user:pw@hooks.example.com/caravan")).startsWith("must not hold credentials");
        assertThat(targets.refusal("gopher://hooks.example.com/caravan")).startsWith("must be an http:// or https:// url");
        assertThat(targets.refusal("/caravan")).startsWith("must be an http:// or https:// url");
        assertThat(targets.refusal("https://hooks.example.com/caravan#x")).startsWith("must be scheme://host");
    }

    @Test
    void anInternalAddressIsReachedOnlyThroughAnEntryThatNamesTheAddress() {
        CallbackTargets targets = targets(SECRET, "http://127.0.0.1:9/hooks", "http://localhost:9/hooks");
        assertThat(targets.checkAtSend("http://127.0.0.1:9/hooks/a")).isEqualTo(URI.create("http://127.0.0.1:9/hooks/a"));
        assertThatThrownBy(() -> targets.checkAtSend("http://localhost:9/hooks/a"))
                .isInstanceOf(CallbackRefused.class)
                .hasMessageStartingWith("localhost resolves to ")
                .hasMessageContaining("an internal address");
        // a setting changed since the submit: refused at send time too
        assertThatThrownBy(() -> targets(SECRET, "http://127.0.0.1:9/other").checkAtSend("http://127.0.0.1:9/hooks/a"))
                .isInstanceOf(CallbackRefused.class)
                .hasMessage("the url is not taken: http://127.0.0.1:9/hooks/a is not in caravan.callbacks.allowed-urls");
    }

    @Test
    void loopbackPrivateLinkLocalSharedAndReservedAddressesAreInternalAlsoInsideIpv6() throws Exception {
        for (String internal : List.of("127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "198.18.0.1", "::1", "::",
                "fe80::1", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1", "::ffff:127.0.0.1", "64:ff9b::a00:1",
                "2002:a9fe:a9fe::1")) {
            assertThat(CallbackTargets.isInternal(InetAddress.getByName(internal))).as(internal).isTrue();
        }
        for (String external : List.of("93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111",
                "64:ff9b::808:808")) {
            assertThat(CallbackTargets.isInternal(InetAddress.getByName(external))).as(external).isFalse();
        }
    }

    @Test
    void anAllowListEntryThatIsNoUrlStopsTheStart() {
        assertThatThrownBy(() -> targets(SECRET, "hooks.example.com")).hasMessageContaining("must start with http://");
        assertThatThrownBy(() -> targets(SECRET, "https://u:p@hooks.example.com")).hasMessageContaining("no user");
        assertThatThrownBy(() -> targets(SECRET, "https://*.10.0.0.1")).hasMessageContaining("not an address");
        assertThatThrownBy(() -> targets("short", "https://hooks.example.com"))
                .hasMessageContaining("caravan.callbacks.secret must be at least 16 characters");
    }

    @Test
    void theSecretStaysOutOfTheSettingsToString() {
        CallbackProperties settings = new CallbackProperties(SECRET, List.of("https://hooks.example.com"), 3,
                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1), 100);
        assertThat(settings.toString()).doesNotContain(SECRET).contains("secret=(set)");
    }

    private static CallbackTargets targets(String secret, String... allowed) {
        return new CallbackTargets(new CallbackProperties(secret, List.of(allowed), 3, Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofSeconds(1), 100));
    }
}
