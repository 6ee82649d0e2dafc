package routes.api.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.converter.ModelConverterContext;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.media.Schema;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.camel.openapi.RestModelConverters;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;

/**
 * Tells the OpenAPI description which properties of a schema are always there and which may be null, the way
 * Jackson writes them: a primitive is always written (required); any other property is written as {@code null}
 * when it has no value (nullable), unless it is {@code @JsonInclude(NON_NULL)} and then left out instead. Without
 * this every property would read as optional and never null, and a client checking answers against the
 * description would reject a task's {@code "shell": null}.
 */
@Component
@ControlRole
public class PropertyPresence implements ModelConverter {

    public PropertyPresence() {
        // Camel puts its own converter at the head of the shared chain the first time it is loaded; then its model
        // reader resolves whole classes without asking the converters behind it. So Camel's goes in first, this
        // one in front of it (once: every node in a JVM shares the chain).
        new RestModelConverters(false);
        ModelConverters chain = ModelConverters.getInstance();
        if (chain.getConverters().stream().noneMatch(PropertyPresence.class::isInstance)) {
            chain.addConverter(this);
        }
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Schema resolve(AnnotatedType type, ModelConverterContext context, Iterator<ModelConverter> chain) {
        if (!chain.hasNext()) {
            return null;
        }
        Schema schema = chain.next().resolve(type, context, chain);
        if (schema != null && schema.getProperties() != null && type.getType() != null) {
            mark(schema, Json.mapper().constructType(type.getType()));
        }
        return schema;
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void mark(Schema schema, JavaType type) {
        if (type.isContainerType() || type.isPrimitive()) {
            return;
        }
        BeanDescription bean = Json.mapper().getSerializationConfig().introspect(type);
        JsonInclude.Value classInclusion = bean.findPropertyInclusion(JsonInclude.Value.empty());
        Map<String, Schema> properties = schema.getProperties();
        bean.findProperties().forEach(property -> {
            String name = property.getName();
            Schema value = properties.get(name);
            List<String> required = schema.getRequired();
            if (value == null || (required != null && required.contains(name))) {
                return;
            }
            if (property.getRawPrimaryType().isPrimitive()) {
                schema.addRequiredItem(name);
                return;
            }
            JsonInclude.Include inclusion = classInclusion.withOverrides(property.findInclusion()).getValueInclusion();
            if (inclusion == JsonInclude.Include.ALWAYS || inclusion == JsonInclude.Include.USE_DEFAULTS) {
                properties.put(name, nullable(value));
            }
        });
    }

    /** OpenAPI 3.0 ignores anything beside a $ref, and nullable needs a type: a nullable reference is wrapped. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Schema nullable(Schema value) {
        if (value.get$ref() == null) {
            return value.nullable(true);
        }
        return new Schema<>().type("object").nullable(true).allOf(List.of(new Schema<>().$ref(value.get$ref())));
    }
}
