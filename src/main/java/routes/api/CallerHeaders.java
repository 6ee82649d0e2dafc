package routes.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import routes.access.Caller;

/**
 * Tells the routes who is calling, as the headers {@value #NAME}, {@value #ROLE}, {@value #VIA} and, for a worker
 * token, {@value #TYPES} (the API's routes
 * run on Camel's threads, where Spring Security's context is not). The same headers sent by a client are dropped.
 */
public class CallerHeaders extends OncePerRequestFilter {

    public static final String NAME = "Caravan-Caller";
    public static final String ROLE = "Caravan-Caller-Role";
    public static final String VIA = "Caravan-Caller-Via";
    /** The task types a worker token is restricted to, comma-separated; absent for every other caller. */
    public static final String TYPES = "Caravan-Caller-Types";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        if (SecurityContextHolder.getContext().getAuthentication() instanceof CallerAuthentication known) {
            Caller caller = known.caller();
            headers.put(NAME.toLowerCase(Locale.ROOT), caller.name());
            headers.put(ROLE.toLowerCase(Locale.ROOT), caller.role().word());
            headers.put(VIA.toLowerCase(Locale.ROOT), caller.via());
            if (caller.types() != null) {
                headers.put(TYPES.toLowerCase(Locale.ROOT), String.join(",", caller.types()));
            }
        }
        chain.doFilter(new WithCaller(request, headers), response);
    }

    private static final class WithCaller extends HttpServletRequestWrapper {

        private final Map<String, String> caller;

        WithCaller(HttpServletRequest request, Map<String, String> caller) {
            super(request);
            this.caller = caller;
        }

        private static boolean ours(String name) {
            return name.regionMatches(true, 0, NAME, 0, NAME.length());
        }

        @Override
        public String getHeader(String name) {
            return ours(name) ? caller.get(name.toLowerCase(Locale.ROOT)) : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            if (!ours(name)) {
                return super.getHeaders(name);
            }
            String value = caller.get(name.toLowerCase(Locale.ROOT));
            return Collections.enumeration(value == null ? List.of() : List.of(value));
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = Collections.list(super.getHeaderNames()).stream().filter(name -> !ours(name))
                    .collect(java.util.stream.Collectors.toCollection(java.util.ArrayList::new));
            names.addAll(List.of(NAME, ROLE, VIA, TYPES).stream().filter(name -> caller.containsKey(name.toLowerCase(Locale.ROOT))).toList());
            return Collections.enumeration(names);
        }
    }
}
