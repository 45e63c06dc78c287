package dev.bulwark.cloud.rest.body;

import com.fasterxml.jackson.databind.JsonMappingException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;

import java.util.List;

/**
 * Property paths as ARM errors name them in {@code target}: {@code properties.publisher},
 * {@code properties.strategy.stages[0].percent}, {@code tags.owner}; from Jackson's and from Bean Validation's paths.
 */
public final class PropertyPaths {
    private PropertyPaths() {
    }

    static String of(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : references) {
            if (reference.getFieldName() != null) {
                append(path, reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** The path below the request body: the method and parameter nodes of {@code @Valid} parameters are left out. */
    public static String of(Path violation) {
        StringBuilder path = new StringBuilder();
        for (Path.Node node : violation) {
            if (node.getKind() != ElementKind.PROPERTY && node.getKind() != ElementKind.CONTAINER_ELEMENT
                    && node.getKind() != ElementKind.BEAN) {
                continue;
            }
            if (node.isInIterable()) {
                if (node.getIndex() != null) {
                    path.append('[').append(node.getIndex()).append(']');
                } else if (node.getKey() != null) {
                    append(path, String.valueOf(node.getKey()));
                }
            }
            if (node.getKind() == ElementKind.PROPERTY && node.getName() != null) {
                append(path, node.getName());
            }
        }
        return path.toString();
    }

    private static void append(StringBuilder path, String name) {
        if (!path.isEmpty()) {
            path.append('.');
        }
        path.append(name);
    }
}
