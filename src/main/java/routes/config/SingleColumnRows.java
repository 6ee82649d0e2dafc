package routes.config;

import org.apache.camel.component.sql.RowMapperFactory;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.SingleColumnRowMapper;
import org.springframework.stereotype.Component;

/**
 * For {@code sql:} endpoints that select one column (ids) to pass on as an IN list ({@code :#in:ids}): each row is
 * the value of its column, not a map of column names to values ({@code rowMapperFactory: "#singleColumnRows"}).
 */
@Component
@ControlRole
public class SingleColumnRows implements RowMapperFactory {

    @Override
    public RowMapper<?> newColumnRowMapper() {
        return new SingleColumnRowMapper<>();
    }

    @Override
    public RowMapper<?> newBeanRowMapper(Class<?> type) {
        return new SingleColumnRowMapper<>(type);
    }
}
