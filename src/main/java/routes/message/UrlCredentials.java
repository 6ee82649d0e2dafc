package routes.message;

import java.util.regex.Pattern;

/**
 * Credentials in an archive's URL ({@code https://user:password@host/...}). They are refused at registration:
 * a registered URL is stored, returned by the API and named in agents' logs and errors. Text that may still
 * hold one (a version registered before they were refused) is shown with them hidden.
 */
public final class UrlCredentials {

    /** The user info of any URL in a text: from "scheme://" to the last "@" before the path (a password may hold "@"). */
    private static final Pattern USER_INFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/?#\\s]*@");

    private UrlCredentials() {
    }

    /** Whether the URL (or what starts like one) carries a user name or password. */
    public static boolean present(String url) {
        return USER_INFO.matcher(url.strip()).lookingAt();
    }

    /** The text with the user info of every URL in it replaced by "***". */
    public static String hide(String text) {
        return text == null ? null : USER_INFO.matcher(text).replaceAll("$1***@");
    }
}
