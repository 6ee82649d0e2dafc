package routes.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import routes.access.AuditLog;
import routes.access.TokenStore;
import routes.access.UserStore;
import routes.config.ControlRole;

/**
 * Who may call what (Spring Security). In order, for every request:
 * <ol>
 * <li>a request made with the console's session cookie that changes something carries the CSRF token
 * (the XSRF-TOKEN cookie's value in the X-XSRF-TOKEN header), which no page of another site can read;</li>
 * <li>{@link Credentials}: a bearer token, else the session, says who is calling;</li>
 * <li>{@link AuditTrail} puts each change on record, also when it is refused below;</li>
 * <li>{@link SessionLogin}: POST and DELETE /api/session log in and out;</li>
 * <li>each API operation needs the role its *-api.yaml declares ({@link EndpointRoles}); the actuator needs
 * viewer, hawtio and Jolokia admin; health and the console's pages are open;</li>
 * <li>{@link CallerHeaders} tells the routes who called.</li>
 * </ol>
 * {@link ApiGuard} has refused cross-site requests and oversized bodies before any of this.
 */
@Configuration(proxyBeanMethods = false)
@ControlRole
@EnableWebSecurity
public class WebSecurity {

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
    /**
     * What the console's pages may load and run: their own scripts and styles only (no inline script, no inline style
     * element), in no frame. Even text that slipped into a page as markup could run nothing. hawtio, under /actuator,
     * is not held to it.
     */
    static final String CONSOLE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /**
     * No tracing observation around each of Spring Security's filters on every request: it costs each API call more
     * than the filters themselves, and nothing reads it (requests are timed as a whole, http.server.requests).
     */
    @Bean
    public SecurityObservationSettings noSecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    public SecurityFilterChain caravanSecurity(HttpSecurity http, AdminToken adminToken, TokenStore tokens,
                                               UserStore users, AuditLog audit, EndpointRoles roles,
                                               LoginThrottle throttle, RequestJson json, ObjectMapper mapper,
                                               EdgeAnswers answers) throws Exception {
        SecurityContextRepository sessions = new HttpSessionSecurityContextRepository();
        CookieCsrfTokenRepository csrfTokens = CookieCsrfTokenRepository.withHttpOnlyFalse();
        csrfTokens.setCookieCustomizer(cookie -> cookie.sameSite("Strict").path("/"));
        http
                .csrf(csrf -> csrf.csrfTokenRepository(csrfTokens)
                        // the token as the cookie has it, sent back in the header: what a page script can do
                        .csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler())
                        .requireCsrfProtectionMatcher(WebSecurity::madeWithSession))
                .securityContext(context -> context.securityContextRepository(sessions))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED))
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .exceptionHandling(refusals -> refusals.authenticationEntryPoint(answers).accessDeniedHandler(answers))
                .headers(headers -> headers.addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(
                        request -> !ApiGuard.mappedPath(request).startsWith("/actuator"),
                        new StaticHeadersWriter("Content-Security-Policy", CONSOLE_POLICY))))
                .addFilterAfter(csrfCookie(), CsrfFilter.class)
                .addFilterAfter(new Credentials(adminToken, tokens, users, answers), CsrfFilter.class)
                .addFilterAfter(new AuditTrail(audit, roles, mapper), Credentials.class)
                .addFilterAfter(new SessionLogin(users, throttle, sessions, csrfTokens, json, answers), AuditTrail.class)
                .addFilterAfter(new CallerHeaders(), AuthorizationFilter.class)
                .authorizeHttpRequests(rules -> rules
                        // the request was let in already; these dispatches only finish its answer
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll()
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/session").permitAll()
                        .requestMatchers(HttpMethod.DELETE, "/api/session").permitAll()
                        .requestMatchers("/api/**").access(roles)
                        .requestMatchers("/actuator/hawtio/**", "/actuator/jolokia/**").hasRole("ADMIN")
                        .requestMatchers("/actuator/**").hasRole("VIEWER")
                        // the console's pages: what they show comes from the API
                        .anyRequest().permitAll());
        return http.build();
    }

    /**
     * Whether a request needs the CSRF token: it may change something, it comes with a session cookie and no
     * Authorization header (a browser never adds one by itself: only the cookie is sent along unasked), and it is an
     * API call other than the login, which {@link CrossSiteCheck} guards by its origin.
     */
    private static boolean madeWithSession(HttpServletRequest request) {
        String path = ApiGuard.mappedPath(request);
        return !SAFE.contains(request.getMethod()) && request.getHeader("Authorization") == null
                && request.getRequestedSessionId() != null && path.startsWith("/api/") && !path.equals("/api/session");
    }

    /**
     * Sets the XSRF-TOKEN cookie on a browser that has none, so that the console can read the token. Not on the
     * login, which sets a new one ({@link SessionLogin}).
     */
    private static Filter csrfCookie() {
        return (request, response, chain) -> {
            HttpServletRequest http = (HttpServletRequest) request;
            if (request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken token
                    && http.getHeader("Authorization") == null && !ApiGuard.mappedPath(http).equals("/api/session")) {
                token.getToken();
            }
            chain.doFilter(request, response);
        };
    }
}
