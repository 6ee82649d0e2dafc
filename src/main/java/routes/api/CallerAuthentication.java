package routes.api;

import java.util.Arrays;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import routes.access.Caller;
import routes.access.Role;

/** A caller as Spring Security holds it: authorities ROLE_VIEWER, ROLE_OPERATOR, ROLE_ADMIN up to the caller's role. */
public class CallerAuthentication extends AbstractAuthenticationToken {

    private final Caller caller;

    public CallerAuthentication(Caller caller) {
        super(authorities(caller.role()));
        this.caller = caller;
        setAuthenticated(true);
    }

    public Caller caller() {
        return caller;
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Object getPrincipal() {
        return caller.name();
    }

    private static List<GrantedAuthority> authorities(Role role) {
        return Arrays.stream(Role.values()).filter(role::covers)
                .map(covered -> (GrantedAuthority) new SimpleGrantedAuthority("ROLE_" + covered.name())).toList();
    }
}
