package routes.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;

/**
 * Errors Tomcat answers itself, before any servlet (a path with an encoded slash or invalid percent-encoding):
 * the same JSON body as every other error, instead of Tomcat's HTML page.
 */
public class JsonErrorReportValve extends ErrorReportValve {

    // Tomcat makes the valve from its class name: no Spring beans here
    private static final ApiErrors ERRORS = new ApiErrors();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected void report(Request request, Response response, Throwable failure) {
        int status = response.getStatus();
        if (status < 400 || response.isCommitted() || response.getContentWritten() > 0) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        String message = status == 400 ? "the request's path or query is not valid: percent-encode it as UTF-8, and do"
                + " not encode / or . in a path" : known == null ? "error" : known.getReasonPhrase();
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(JSON.writeValueAsString(ERRORS.body(status, message)));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone: nothing to answer
        }
    }
}
